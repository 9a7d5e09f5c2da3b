import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  InlayHint,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { format } from '../../language/index.ts';
import { EXAMPLES } from '../helpers/fixtures.ts';
import { cursor, TestClient } from './client.ts';

const LENET = readFileSync(join(EXAMPLES, 'lenet-300-100.dnn'), 'utf8');
let client: TestClient;
let docs = 0;
const uri = (): string => `file:///tmp/dnn-server-test/doc${++docs}.dnn`;

before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(async () => {
  await client.close();
});

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

async function diagnosticsFor(u: string, version: number): Promise<Diagnostic[]> {
  const n = await client.waitFor(
    (x) =>
      x.method === 'textDocument/publishDiagnostics' &&
      (x.params as { uri: string; version?: number }).uri === u &&
      (x.params as { version?: number }).version === version,
  );
  return (n.params as { diagnostics: Diagnostic[] }).diagnostics;
}

describe('diagnostics', () => {
  it('publishes coded diagnostics on open and clears them when fixed', async () => {
    const u = uri();
    await client.open(u, LENET.replace('dense fc1 300 relu', 'dense fc1 300 reluu'));
    const first = await diagnosticsFor(u, 1);
    assert.deepEqual(
      first.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character, d.severity, d.source]),
      [['DNN201', 8, 16, 21, 1, 'dropneuron']],
    );
    await client.change(u, LENET, 2);
    // The example as it is: nothing to say (it has no dropout to work against DropNeuron).
    assert.deepEqual(await diagnosticsFor(u, 2), []);
  });

  it('points a duplicate name at the first one with related information', async () => {
    const u = uri();
    await client.open(u, LENET.replace('dense fc2 100 relu', 'dense fc1 100 relu'));
    const [d] = await diagnosticsFor(u, 1);
    assert.equal(d!.code, 'DNN214');
    assert.equal(d!.relatedInformation?.[0]?.location.uri, u);
    assert.equal(d!.relatedInformation?.[0]?.location.range.start.line, 8);
  });

  it('clears diagnostics on close', async () => {
    const u = uri();
    await client.open(u, 'model x {\n  dense 300relu\n}\n');
    await diagnosticsFor(u, 1);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
    await client.waitFor(
      (x) =>
        x.method === 'textDocument/publishDiagnostics' &&
        (x.params as { uri: string; diagnostics: unknown[] }).uri === u &&
        (x.params as { diagnostics: unknown[] }).diagnostics.length === 0,
    );
  });
});

// Completion contexts are fixtures run on the pure function (test/server/completion.test.ts); this checks the wiring.
describe('completion over the protocol', () => {
  it('answers with documented items and snippets at the start of a model line', async () => {
    const u = uri();
    const { text, position } = cursor('model m {\n  data mnist\n  |\n}\n');
    await client.open(u, text);
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: u }, position });
    const dense = items.find((i) => i.label === 'dense');
    assert.ok(dense, `expected dense in ${items.map((i) => i.label).join(', ')}`);
    assert.equal(dense.insertTextFormat, 2 /* InsertTextFormat.Snippet */, 'expected dense to be a snippet');
    for (const i of items) assert.ok(i.documentation, `expected documentation on ${i.label}`);
  });
});

describe('hover, inlay hints, symbols, folding', () => {
  const u = uri();
  before(() => client.open(u, LENET));

  it('a layer shows its shapes, parameters and effective regularization', async () => {
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri: u }, position: { line: 8, character: 11 } });
    const value = (h.contents as { value: string }).value;
    assert.match(value, /\*\*fc1\*\* · `dense` · relu/);
    assert.match(value, /\[784\] → \[300\] · 235 500 params/);
    assert.match(value, /l1 0\.0001 · l2 0 · dropneuron 0\.0005 · keep_prob 1/);
  });

  it('a setting shows its documentation, range and default', async () => {
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri: u }, position: { line: 16, character: 4 } });
    assert.match((h.contents as { value: string }).value, /\*\*keep_prob\*\* — Dropout keep probability[\s\S]*Valid: a number in \(0, 1\] · default `1`/);
  });

  it('inlay hints give each layer its output shape and parameter count', async () => {
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: u },
      range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } },
    });
    assert.deepEqual(
      hints.map((h) => [h.position.line, h.label]),
      [
        [8, '→ [300] · 235 500 params'],
        [9, '→ [100] · 30 100 params'],
        [10, '→ [10] · 1 010 params'],
      ],
    );
  });

  it('document symbols outline the model, its layers and the settings blocks', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: u } });
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['lenet-300-100', 'regularize', 'train'],
    );
    assert.deepEqual(
      symbols[0]!.children!.map((c) => c.name),
      ['data', 'input', 'fc1', 'fc2', 'out'],
    );
    assert.equal(symbols[0]!.children![2]!.detail, 'dense → [300]');
  });

  it('folding ranges cover each block and the header comment', async () => {
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: u } });
    assert.deepEqual(
      ranges.map((r) => [r.startLine, r.endLine, r.kind ?? null]),
      [
        [4, 10, null],
        [13, 18, null],
        [21, 27, null],
        [0, 3, 'comment'],
      ],
    );
  });
});

describe('formatting and rename', () => {
  it('document formatting returns edits that produce the formatter output', async () => {
    const u = uri();
    const messy = 'model  x{\ndata mnist   # d\n  dense 10}\nregularize{ l1 0.001\n}\n';
    await client.open(u, messy);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: u }, options: { tabSize: 2, insertSpaces: true } });
    const result = format(messy);
    assert.ok(result.ok);
    assert.equal(applyEdits(messy, edits), result.text);
  });

  it('range formatting touches only the lines in range', async () => {
    const u = uri();
    const text = 'model x {\n    data mnist\n  dense   10\n}\n';
    await client.open(u, text);
    const edits = await client.request<TextEdit[]>('textDocument/rangeFormatting', {
      textDocument: { uri: u },
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 5 } },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(applyEdits(text, edits), 'model x {\n    data mnist\n  dense 10\n}\n');
  });

  it('renames a layer, refusing a name another layer has', async () => {
    const u = uri();
    await client.open(u, LENET);
    const prepared = await client.request<{ placeholder: string }>('textDocument/prepareRename', {
      textDocument: { uri: u },
      position: { line: 8, character: 11 },
    });
    assert.equal(prepared.placeholder, 'fc1');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', {
      textDocument: { uri: u },
      position: { line: 8, character: 11 },
      newName: 'hidden1',
    });
    assert.deepEqual(edit.changes![u], [{ range: { start: { line: 8, character: 8 }, end: { line: 8, character: 11 } }, newText: 'hidden1' }]);
    await assert.rejects(
      client.request('textDocument/rename', { textDocument: { uri: u }, position: { line: 8, character: 11 }, newName: 'fc2' }),
      /which another layer has/,
    );
  });
});

describe('quick fixes', () => {
  const cases: [string, string, string, string][] = [
    ['did you mean', LENET.replace('dense fc1 300 relu', 'dense fc1 300 reluu'), 'Change to `relu`', LENET],
    [
      'insert flatten',
      'model m {\n  data mnist\n  input 28x28x1\n  conv c1 8 3x3 relu\n  dense out 10\n}\nregularize {\n  l1 0.001\n}\n',
      'Insert `flatten` before this layer',
      'model m {\n  data mnist\n  input 28x28x1\n  conv c1 8 3x3 relu\n  flatten\n  dense out 10\n}\nregularize {\n  l1 0.001\n}\n',
    ],
    ['clamp into range', LENET.replace('keep_prob 1', 'keep_prob 1.5'), 'Change to 1', LENET],
    ['remove a duplicate setting', LENET.replace('  l2 0\n', '  l2 0\n  l1 0.2\n'), 'Remove this `l1`', LENET],
  ];
  for (const [what, text, title, fixed] of cases) {
    it(what, async () => {
      const u = uri();
      await client.open(u, text);
      const [d] = await diagnosticsFor(u, 1);
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: u },
        range: d!.range,
        context: { diagnostics: [d] },
      });
      const action = actions.find((a) => a.title === title);
      assert.ok(action, `expected "${title}" among ${actions.map((a) => a.title).join(', ')}`);
      assert.equal(action.kind, 'quickfix');
      assert.equal(applyEdits(text, action.edit!.changes![u]!), fixed);
    });
  }
});

describe('completion after an unclosed block', () => {
  it('uses the block the cursor is in, not the unclosed one before it', async () => {
    const u = uri();
    const { text, position } = cursor('model m {\n  data mnist\n  dense 10\nregularize {\n  |\n}\n');
    await client.open(u, text);
    const labels = (await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: u }, position })).map((i) => i.label);
    assert.ok(labels.includes('dropneuron') && !labels.includes('dense'), labels.join(', '));
  });
});
