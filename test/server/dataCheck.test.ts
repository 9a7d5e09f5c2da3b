import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  InitializedNotification,
  InitializeRequest,
  type CodeAction,
  type CodeLens,
  type CompletionItem,
  type Diagnostic,
  type PublishDiagnosticsParams,
  type RegistrationParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { analyze, type DataSpec } from '../../language/index.ts';
import { checkDataFiles } from '../../store/dataFiles.ts';
import type { RunEventParams, TrainResult } from '../../protocol/lsp.ts';
import { formatRunHeadline } from '../../protocol/present.ts';
import { dropneuron } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { TestClient, type Notification } from './client.ts';
import { specText } from '../helpers/specs.ts';

/** An IDX file of unsigned bytes: its header (magic 0x0000080N and the sizes), then `bytes` data bytes. */
function idx(dims: number[], bytes = dims.reduce((a, b) => a * b, 1), magic = 0x800 + dims.length): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.alloc(bytes)]);
}

const idxData = (images = 'images.idx', labels = 'labels.idx'): DataSpec => ({ kind: 'idx', images, labels });
const csvData = (file: string, target?: string, test?: string): DataSpec => ({
  kind: 'csv',
  file,
  testSplit: 0.2,
  ...(target ? { target } : {}),
  ...(test ? { test } : {}),
});

describe('the data files a spec names, checked before training (protocol/dataFiles.ts)', () => {
  it('names every missing file, each resolved against the spec’s folder', () => {
    const dir = tempDir('dnn-data-');
    const problems = checkDataFiles(idxData('images.idx', 'sub/labels.idx'), [4], dir);
    assert.deepEqual(
      problems.map((p) => [p.role, p.message]),
      [
        ['images', `${join(dir, 'images.idx')}: expected an IDX file, found no such file`],
        ['labels', `${join(dir, 'sub', 'labels.idx')}: expected an IDX file, found no such file`],
      ],
    );
  });

  it('reads IDX headers only: a wrong magic, a truncated file, a directory, counts and sizes that disagree', () => {
    const dir = tempDir('dnn-data-');
    writeFileSync(join(dir, 'gzip.idx'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4]));
    writeFileSync(join(dir, 'short.idx'), idx([10, 2, 2], 7));
    mkdirSync(join(dir, 'folder.idx'));
    writeFileSync(join(dir, 'images.idx'), idx([10, 2, 2]));
    writeFileSync(join(dir, 'labels9.idx'), idx([9]));
    writeFileSync(join(dir, 'labels.idx'), idx([10]));
    const messages = (data: DataSpec, input = [4]) => checkDataFiles(data, input, dir).map((p) => p.message.slice(dir.length + 1));
    assert.deepEqual(messages(idxData('gzip.idx', 'labels.idx')), [
      'gzip.idx: expected IDX magic 0x000008NN (unsigned bytes, 1-4 dimensions), found 0x1f8b0800',
    ]);
    assert.deepEqual(messages(idxData('short.idx', 'labels.idx')), ['short.idx: expected 40 data bytes for dimensions 10x2x2, found 7 (truncated file)']);
    assert.deepEqual(messages(idxData('images.idx', 'folder.idx')), ['folder.idx: expected an IDX file, found a directory']);
    assert.deepEqual(messages(idxData('images.idx', 'labels9.idx')), [`labels9.idx: expected 10 labels to match ${join(dir, 'images.idx')}, found 9`]);
    assert.deepEqual(messages(idxData(), [784]), ["images.idx: expected images of 784 values as the spec's `input` says, found 2x2"]);
    assert.deepEqual(messages(idxData()), []);
  });

  it('reads a CSV file’s header row: its target column and its input columns', () => {
    const dir = tempDir('dnn-data-');
    writeFileSync(join(dir, 'data.csv'), 'a,b,y\n1,2,3\n4,5,6\n');
    const messages = (data: DataSpec, input = [2]) => checkDataFiles(data, input, dir).map((p) => p.message.slice(dir.length + 1));
    assert.deepEqual(messages(csvData('data.csv', 'y')), []);
    assert.deepEqual(messages(csvData('data.csv')), []);
    assert.deepEqual(messages(csvData('data.csv', 'price')), ['data.csv: expected a target column "price" among a, b, y, found none']);
    assert.deepEqual(messages(csvData('data.csv', 'y'), [3]), ["data.csv: expected 3 input columns as the spec's `input` says, found 2"]);
    assert.deepEqual(messages(csvData('nope.csv')), ['nope.csv: expected a CSV file, found no such file']);
  });

  it('a `test=` CSV file: it exists, and its header is the training file’s (same columns, same order)', () => {
    const dir = tempDir('dnn-data-');
    writeFileSync(join(dir, 'train.csv'), 'a,b,y\n1,2,3\n4,5,6\n');
    writeFileSync(join(dir, 'test.csv'), 'a,b,y\n7,8,9\n');
    writeFileSync(join(dir, 'other.csv'), 'a,y,b\n7,8,9\n');
    const problems = (data: DataSpec, input = [2]) => checkDataFiles(data, input, dir).map((p) => [p.role, p.message.slice(dir.length + 1)]);
    assert.deepEqual(problems(csvData('train.csv', 'y', 'test.csv')), []);
    assert.deepEqual(problems(csvData('train.csv', 'y', 'nope.csv')), [['test', 'nope.csv: expected a CSV file, found no such file']]);
    assert.deepEqual(problems(csvData('train.csv', 'y', 'other.csv')), [
      ['test', `other.csv: expected the header of ${join(dir, 'train.csv')} (a, b, y), found a, y, b`],
    ]);
    // The training file missing: the test file's own header is still checked for the target and the inputs.
    assert.deepEqual(problems(csvData('gone.csv', 'price', 'test.csv')), [
      ['file', 'gone.csv: expected a CSV file, found no such file'],
      ['test', 'test.csv: expected a target column "price" among a, b, y, found none'],
    ]);
  });

  it('`dropneuron train` names every missing file in its one-line error, before anything trains', () => {
    const dir = tempDir('dnn-data-');
    const spec = join(dir, 'files.dnn');
    writeFileSync(spec, 'model files {\n  data idx "images.idx" "labels.idx"\n  input 4\n  dense out 2\n}\nregularize {\n  l1 0.001\n}\n');
    const r = dropneuron(['train', spec, '--out', join(dir, 'run')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /images\.idx: expected an IDX file, found no such file; .*labels\.idx: expected an IDX file, found no such file/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});

const SPEC = (file: string) => `model table {
  data csv "${file}" target=y
  input 2
  dense out 1
}

regularize {
  l1 0.001
}
`;

const TINY = specText('tiny-mnist');

// CI twice saw this file pass every test and its process never exit, which held the whole run to CI's limit; not
// reproduced since. After the last hook, whatever still holds the process is named on stderr (the next time tells
// us what) and the process ends: the results are already reported.
after(() => {
  setTimeout(() => {
    console.error(`# dataCheck.test.ts still held after its tests by: ${process.getActiveResourcesInfo().join(', ')}`);
    process.exit(0);
  }, 10_000).unref();
});

describe('the language server: data diagnostics that follow the files, the dropout hint, the CodeLens', () => {
  let client: TestClient;
  let dir: string;
  const registrations: RegistrationParams[] = [];
  const refreshes: string[] = [];
  before(async () => {
    client = new TestClient();
    client.connection.onRequest('client/registerCapability', (params: RegistrationParams) => {
      registrations.push(params);
      return null;
    });
    client.connection.onRequest('workspace/codeLens/refresh', () => {
      refreshes.push('codeLens');
      return null;
    });
    // A client like VS Code's: it watches files for the server when asked, and refreshes lenses when told.
    await client.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: [],
      capabilities: {
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true }, codeLens: { refreshSupport: true } },
      },
    });
    await client.connection.sendNotification(InitializedNotification.type, {});
    dir = tempDir('dnn-lsp-data-');
  });
  after(() => client.close());

  const diagnosticsOf = (uri: string, test: (d: Diagnostic[]) => boolean) =>
    client
      .waitFor((n: Notification) => {
        const p = n.params as PublishDiagnosticsParams;
        return n.method === 'textDocument/publishDiagnostics' && p.uri === uri && test(p.diagnostics);
      })
      .then((n) => (n.params as PublishDiagnosticsParams).diagnostics);

  it('a missing data file: DNN311 on its path, the file watched, and the diagnostic gone once the file exists', async () => {
    const path = join(dir, 'table.dnn');
    const text = SPEC('data/table.csv');
    writeFileSync(path, text);
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text);
    const [missing] = await diagnosticsOf(uri, (d) => d.some((x) => x.code === 'DNN311'));
    assert.equal(missing?.severity, 1);
    assert.equal(missing?.message, `${join(dir, 'data', 'table.csv')}: expected a CSV file, found no such file`);
    assert.deepEqual(missing?.range, { start: { line: 1, character: 11 }, end: { line: 1, character: 27 } }, 'on the path as written');

    // The server asked the client to watch the file, from the spec's folder (which exists; data/ does not yet).
    const watchers = () => registrations.flatMap((r) => r.registrations).filter((r) => r.method === 'workspace/didChangeWatchedFiles');
    await waitUntil(() => watchers().length > 0, 'a client/registerCapability for the data files');
    const globs = watchers().at(-1)?.registerOptions as { watchers: { globPattern: unknown }[] } | undefined;
    assert.deepEqual(globs?.watchers, [{ globPattern: { baseUri: pathToFileURL(dir).toString(), pattern: 'data/table.csv' } }]);

    mkdirSync(join(dir, 'data'));
    // Enough rows to learn from (fewer is a DNN223 warning of its own).
    writeFileSync(join(dir, 'data', 'table.csv'), `a,b,y\n${'1,2,3\n4,5,6\n'.repeat(15)}`);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(join(dir, 'data', 'table.csv')).toString(), type: 1 }],
    });
    const after = await diagnosticsOf(uri, (d) => !d.some((x) => x.code === 'DNN311'));
    assert.deepEqual(after, []);

    // A header without the target column: said again on the next change of the file.
    writeFileSync(join(dir, 'data', 'table.csv'), 'a,b,price\n1,2,3\n4,5,6\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(join(dir, 'data', 'table.csv')).toString(), type: 2 }],
    });
    const [column] = await diagnosticsOf(uri, (d) => d.some((x) => x.code === 'DNN311' && String(x.message).includes('target column')));
    assert.equal(column?.message, `${join(dir, 'data', 'table.csv')}: expected a target column "y" among a, b, price, found none`);
  });

  it('quick fixes on the data line: a wrong path offers the files there, a wrong target the columns, a wrong `input` the data’s count', async () => {
    const root = join(dir, 'fixes');
    mkdirSync(join(root, 'data'), { recursive: true });
    writeFileSync(join(root, 'data', 'train.csv'), `a,b,c,price\n${'1,2,3,4\n'.repeat(40)}`);
    writeFileSync(join(root, 'data', 'notes.txt'), 'not data');
    const path = join(root, 'fixes.dnn');
    const uri = pathToFileURL(path).toString();
    /** The quick fixes at the data line (where VS Code asks, the cursor on it), as title and the edit's new text and line. */
    const fixesFor = async (text: string, test: (d: Diagnostic) => boolean) => {
      writeFileSync(path, text);
      await client.open(uri, text);
      const [diagnostic] = (await diagnosticsOf(uri, (d) => d.some(test))).filter(test);
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 1, character: 4 }, end: { line: 1, character: 4 } },
        context: { diagnostics: [diagnostic], only: ['quickfix'] },
      });
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      return actions.map((a) => {
        const [edit, ...more] = a.edit?.changes?.[uri] ?? [];
        assert.equal(more.length, 0);
        assert.equal(a.diagnostics?.[0]?.code, 'DNN311');
        return [a.title, edit!.range.start.line, edit!.newText, a.isPreferred];
      });
    };
    const spec = (data: string, input = 3) => `model m {\n  ${data}\n  input ${input}\n  dense out 1\n}\n`;
    assert.deepEqual(await fixesFor(spec('data csv "data/trian.csv" target=price'), (d) => d.code === 'DNN311'), [
      ['Change to `data/train.csv`', 1, '"data/train.csv"', true],
    ]);
    assert.deepEqual(await fixesFor(spec('data csv "data/train.csv" target=prise'), (d) => String(d.message).includes('target column')), [
      ['Change the target to `price`', 1, 'price', false],
      ['Change the target to `a`', 1, 'a', false],
      ['Change the target to `b`', 1, 'b', false],
      ['Change the target to `c`', 1, 'c', false],
    ]);
    assert.deepEqual(await fixesFor(spec('data csv "data/train.csv" target=price', 8), (d) => String(d.message).includes('input columns')), [
      ['Change the input to 3 (the columns besides the target)', 2, '3', true],
    ]);
    // Elsewhere in the spec (the dense line): no data fix, and the files are not read for it.
    const text = spec('data csv "data/trian.csv" target=price');
    writeFileSync(path, text);
    await client.open(uri, text);
    await diagnosticsOf(uri, (d) => d.some((x) => x.code === 'DNN311'));
    const elsewhere = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 3, character: 4 }, end: { line: 3, character: 4 } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    assert.deepEqual(elsewhere, []);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('dropout next to DropNeuron: the DNN224 information and its quick fix, which sets keep_prob 1', async () => {
    const path = join(dir, 'dropout.dnn');
    const text = TINY.replace('  l1 0.001\n', '  l1 0.001\n  keep_prob 0.5\n');
    writeFileSync(path, text);
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text);
    const [hint] = await diagnosticsOf(uri, (d) => d.some((x) => x.code === 'DNN224'));
    assert.equal(hint?.severity, 3, 'an information');
    assert.match(String(hint!.message), /44 %.*12 %.*546-113-62/);
    // Its code links to its row in the docs/language.md beside the server (the .vsix ships it), at that line.
    const href = hint!.codeDescription?.href ?? '';
    const [file, line] = href.split('#L');
    assert.equal(file, pathToFileURL(join(import.meta.dirname, '..', '..', 'docs', 'language.md')).href);
    assert.match(readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'language.md'), 'utf8').split('\n')[Number(line) - 1]!, /^\| DNN224 \| info \|/);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: hint!.range,
      context: { diagnostics: [hint], only: ['quickfix'] },
    });
    const fix = actions.find((a) => a.title === 'Set keep_prob to 1 (dropout off)');
    assert.deepEqual(fix?.edit?.changes?.[uri], [{ range: hint!.range, newText: '1' }]);
  });

  it('a CodeLens above the model: "Train", then after a run "last run …" with its metric and kept sizes, refreshed when it ends', async () => {
    const path = join(dir, 'tiny.dnn');
    writeFileSync(path, TINY);
    const uri = pathToFileURL(path).toString();
    await client.open(uri, TINY);
    const before = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(
      before.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [[0, 'Train', 'dropneuron.train', [uri]]],
    );
    const result = await client.request<TrainResult>('dropneuron/train', { uri });
    assert.equal(result.started, true, JSON.stringify(result));
    const done = await client.waitFor(
      (n) => n.method === 'dropneuron/runEvent' && (n.params as RunEventParams).uri === uri && (n.params as RunEventParams).event.type === 'done',
      120_000,
    );
    const event = (done.params as RunEventParams).event;
    assert.ok(event.type === 'done');
    await waitUntil(() => refreshes.length > 0, 'a workspace/codeLens/refresh after the run');
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const last = lenses.find((l) => l.command?.command === 'dropneuron.showRun');
    const summary = event.summary;
    assert.equal(last?.command?.title, `last run ${formatRunHeadline(summary)}`);
    assert.match(last!.command!.title, /^last run \d+\.\d % · \d+-\d+$/, 'the pruned accuracy and the kept inputs and fc1 neurons');
    assert.equal(last!.command!.title.split(' · ')[1], `${summary.inputs.kept}-${summary.layers[0]!.neuronsKept}`);
    assert.deepEqual(last?.command?.arguments, [event.outputs.runDir, uri]);
  });

  it('a `test=` file whose header is not the training file’s: DNN311 on the test path', async () => {
    writeFileSync(join(dir, 'train.csv'), 'a,b,y\n1,2,3\n4,5,6\n');
    writeFileSync(join(dir, 'test.csv'), 'a,b,price\n1,2,3\n');
    const path = join(dir, 'split.dnn');
    const text = SPEC('train.csv').replace('target=y', 'target=y test="test.csv"');
    writeFileSync(path, text);
    const uri = pathToFileURL(path).toString();
    await client.open(uri, text);
    const [wrong] = await diagnosticsOf(uri, (d) => d.some((x) => x.code === 'DNN311'));
    assert.equal(wrong?.message, `${join(dir, 'test.csv')}: expected the header of ${join(dir, 'train.csv')} (a, b, y), found a, b, price`);
    const at = text.split('\n')[1]!.indexOf('"test.csv"');
    assert.deepEqual(wrong?.range, { start: { line: 1, character: at }, end: { line: 1, character: at + 10 } }, 'on the test path as written');
  });

  it('completion inside a data path’s quotes: the files and folders beside the spec, folders first, relative paths', async () => {
    const root = join(dir, 'paths');
    mkdirSync(join(root, 'data', 'raw'), { recursive: true });
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, 'data', 'train.csv'), 'a,y\n1,2\n');
    writeFileSync(join(root, 'data', 'test.csv'), 'a,y\n1,2\n');
    writeFileSync(join(root, 'b.csv'), 'a,y\n1,2\n');
    writeFileSync(join(root, 'a.csv'), 'a,y\n1,2\n');
    const path = join(root, 'paths.dnn');
    const complete = async (line: string, character: number) => {
      const text = `model m {\n${line}\n  input 1\n  dense out 1\n}\n`;
      writeFileSync(path, text);
      const uri = pathToFileURL(path).toString();
      await client.open(uri, text);
      const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character } });
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      return items
        .sort((x, y) => x.sortText!.localeCompare(y.sortText!))
        .map((i) => {
          const edit = i.textEdit as TextEdit | undefined;
          return edit ? `${i.label} ${edit.range.start.character}-${edit.range.end.character}${i.command ? ' (more)' : ''}` : i.label;
        });
    };
    // Right after the opening quote: the spec's folder, folders first (a folder's item lists its files next); no hidden entries.
    assert.deepEqual(await complete('  data csv ""', 12), ['data/ 12-12 (more)', 'a.csv 12-12', 'b.csv 12-12', 'paths.dnn 12-12']);
    // In a folder, the part after the last `/` is replaced, up to the next `/` or the quote.
    assert.deepEqual(await complete('  data csv "data/tr"', 19), ['raw/ 17-19 (more)', 'test.csv 17-19', 'train.csv 17-19']);
    assert.deepEqual(await complete('  data csv "data/train.csv" target=y test="data/"', 48), ['raw/ 48-48 (more)', 'test.csv 48-48', 'train.csv 48-48']);
    // An unterminated string: the line's end is still inside it.
    assert.deepEqual(await complete('  data idx "data/x" "y" test_images="', 37), ['data/ 37-37 (more)', 'a.csv 37-37', 'b.csv 37-37', 'paths.dnn 37-37']);
    // A name starting with `.` lists the hidden entries too.
    assert.ok((await complete('  data csv ".', 13)).includes('.git/ 12-13 (more)'));
    // Not a path: a column name, after the closing quote, a folder that does not exist.
    assert.deepEqual(await complete('  data csv "a.csv" target="y"', 29), []);
    assert.deepEqual(await complete('  data csv "data/" ', 19), ['target=', 'columns=', 'test=', 'test_split=']);
    assert.deepEqual(await complete('  data csv "nowhere/"', 20), []);
    // A `weights` file: folders and safetensors files only.
    writeFileSync(join(root, 'data', 'model.safetensors'), '');
    writeFileSync(join(root, 'm.safetensors'), '');
    assert.deepEqual(await complete('  weights ""', 11), ['data/ 11-11 (more)', 'm.safetensors 11-11']);
    assert.deepEqual(await complete('  weights "data/m', 17), ['raw/ 16-17 (more)', 'model.safetensors 16-17']);
  });

  it('the analysis alone (no files) has no DNN311: the language core stays without a file system', () => {
    assert.ok(!analyze(SPEC('missing.csv')).diagnostics.some((d) => d.code === 'DNN311'));
  });
});

async function waitUntil(test: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
