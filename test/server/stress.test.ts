// The language server under stress, as a real process (node dist/server.js --stdio): documents just below and far
// above the spec size limit, a storm of 1 000 incremental edits, null params for every request, and corrupt
// frames (each in a server of its own, which must exit). The test asserts liveness and correctness, never time:
// `npm run bench:stress` measures latency and memory (docs/reliability.md, docs/benchmarks.md).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  StreamMessageReader,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type InlayHint,
  type SemanticTokens,
} from 'vscode-languageserver-protocol/node';
import { MAX_SPEC_LENGTH } from '../../language/index.ts';
import {
  BackendsRequest,
  DeleteRunRequest,
  LayersRequest,
  RunEventsRequest,
  RunsRequest,
  ShrinkRequest,
  StopRequest,
  TrainRequest,
} from '../../protocol/lsp.ts';
import { TOKEN_TYPES } from '../../server/src/semanticTokens.ts';
import { editStorm, specOfLength } from '../bench/server.bench.ts';
import { ROOT } from '../helpers/cli.ts';
import { TestClient } from './client.ts';

/** The length of the comment token on `line`, decoded from the relative encoding of semantic tokens. */
function commentLength(tokens: SemanticTokens, line: number): number | undefined {
  let at = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    at += tokens.data[i]!;
    if (at === line && TOKEN_TYPES[tokens.data[i + 3]!] === 'comment') return tokens.data[i + 2];
  }
  return undefined;
}

let client: TestClient;
let docs = 0;
const uri = (): string => `file:///tmp/dnn-stress-test/doc${++docs}.dnn`;

async function diagnosticsFor(u: string, version: number): Promise<Diagnostic[]> {
  const n = await client.waitFor(
    (x) => x.method === 'textDocument/publishDiagnostics' && (x.params as { uri: string }).uri === u && (x.params as { version?: number }).version === version,
    120_000,
  );
  return (n.params as { diagnostics: Diagnostic[] }).diagnostics;
}

/** Completion at the start of the line after `model big {`'s `input 64`: the model's statements and layer kinds. */
async function completionWorks(u: string): Promise<void> {
  const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: u }, position: { line: 5, character: 2 } });
  const labels = items.map((i) => i.label);
  for (const expected of ['dense', 'conv', 'task']) assert.ok(labels.includes(expected), `expected \`${expected}\` in completion, found ${labels.join(', ')}`);
}

before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(async () => {
  await client.close();
});

describe('a spec just below the size limit is served in full', () => {
  const text = specOfLength(MAX_SPEC_LENGTH - 1000);
  const layers = text.split('\n').filter((l) => l.startsWith('  dense')).length;
  const u = uri();

  it(`opens (${(text.length / 1024 / 1024).toFixed(2)} MB, ${layers} layers) with no problems`, async () => {
    await client.open(u, text);
    const diagnostics = await diagnosticsFor(u, 1);
    assert.deepEqual(diagnostics, []);
  });

  it('answers every feature on the whole document', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: u } });
    assert.equal(symbols[0]!.children!.filter((c) => c.detail?.startsWith('dense')).length, layers);
    const tokens = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: u } });
    assert.ok(tokens.data.length > layers * 5 * 5, `expected semantic tokens for every line, found ${tokens.data.length / 5}`);
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: u },
      range: { start: { line: 1000, character: 0 }, end: { line: 1040, character: 0 } },
    });
    assert.equal(hints.length, 41);
    assert.match(String(hints[0]!.label), /^→ \[\d+\] · [\d ]+ params$/);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: u }, position: { line: 1000, character: 4 } });
    assert.match((hover.contents as { value: string }).value, /\*\*fc995\*\* · `dense`/);
    await completionWorks(u);
  });

  it('stays live and correct through 1 000 incremental edits', async () => {
    const { edits, final } = editStorm(text, 1000);
    // Sent without waiting, as fast as the pipe takes them.
    const sent = edits.map((e, k) =>
      client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: u, version: k + 2 },
        contentChanges: [{ range: e.range, text: e.text }],
      }),
    );
    await Promise.all(sent);
    await completionWorks(u);
    const last = edits.length + 1;
    assert.deepEqual(await diagnosticsFor(u, last), []);
    // The server's text is the one the edits make: the comment the last edit typed into is as long as it is here.
    const line = edits.at(-1)!.range.start.line;
    const tokens = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri: u } });
    const finalLine = final.split('\n')[line]!;
    assert.equal(commentLength(tokens, line), finalLine.length - finalLine.indexOf('#'));
    const published = client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === u);
    assert.ok(published.length < 100, `expected diagnostics debounced over the storm, found ${published.length} publications`);
  });
});

describe('a spec past the size limit is not analysed', () => {
  for (const size of [MAX_SPEC_LENGTH + 1, 5 * 1024 * 1024]) {
    it(`${(size / 1024 / 1024).toFixed(2)} MB: one DNN309, and every feature answers empty`, async () => {
      const u = uri();
      const base = specOfLength(size - 200);
      const text = base + '#'.repeat(size - base.length - 1) + '\n';
      assert.equal(text.length, size);
      await client.open(u, text);
      const diagnostics = await diagnosticsFor(u, 1);
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['DNN309'],
      );
      assert.match(String(diagnostics[0]!.message), /^expected a spec of at most 2 MB/);
      assert.deepEqual(await client.request('textDocument/completion', { textDocument: { uri: u }, position: { line: 5, character: 2 } }), []);
      assert.deepEqual(await client.request('textDocument/semanticTokens/full', { textDocument: { uri: u } }), { data: [] });
      assert.deepEqual(await client.request('textDocument/documentSymbol', { textDocument: { uri: u } }), []);
      assert.deepEqual(await client.request(LayersRequest.method, { uri: u }), []);
      // Edits to it are taken (the document stays in sync) and still analyse nothing.
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: u, version: 2 },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# more\n' }],
      });
      assert.deepEqual(
        (await diagnosticsFor(u, 2)).map((d) => d.code),
        ['DNN309'],
      );
    });
  }
});

/**
 * A client that writes raw JSON-RPC, as any client may: vscode-jsonrpc's own client sends a lone null as `[null]`
 * (and refuses it for the standard requests), so `"params": null` is written here by hand.
 */
class RawClient {
  private readonly child = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  private readonly responses = new Map<number, { result?: unknown; error?: { code: number; message: string } }>();
  private waiting = new Map<number, () => void>();
  private nextId = 1;

  constructor() {
    new StreamMessageReader(this.child.stdout).listen((message) => {
      const m = message as { id?: number; method?: string; result?: unknown; error?: { code: number; message: string } };
      if (m.method !== undefined && m.id !== undefined)
        this.send({ id: m.id, result: null }); // the server's own requests
      else if (m.id !== undefined) {
        this.responses.set(m.id, m.error ? { error: m.error } : { result: m.result });
        this.waiting.get(m.id)?.();
      }
    });
    this.child.stderr.resume();
  }

  send(message: object): void {
    const body = JSON.stringify({ jsonrpc: '2.0', ...message });
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  async request(method: string, params: unknown): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
    const id = this.nextId++;
    const answered = new Promise<void>((resolve) => this.waiting.set(id, resolve));
    this.send({ id, method, params });
    await answered;
    return this.responses.get(id)!;
  }

  /** A request and, in the same write, its cancellation: it reaches the server before the request is handled. */
  async cancelled(method: string, params: unknown): Promise<{ result?: unknown; error?: { code: number; message: string } }> {
    const id = this.nextId++;
    const answered = new Promise<void>((resolve) => this.waiting.set(id, resolve));
    const frame = (message: object): string => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    this.child.stdin.write(frame({ id, method, params }) + frame({ method: '$/cancelRequest', params: { id } }));
    await answered;
    return this.responses.get(id)!;
  }

  get alive(): boolean {
    return this.child.exitCode === null;
  }

  close(): void {
    this.child.kill();
  }
}

describe('null and malformed params get the empty answer, never an error', () => {
  // Train answers malformed params by naming the problem (it answered 'busy': issue 26); the others answer empty.
  const trainRefused = (problem: string) => ({ started: false, reason: 'params', message: `The request was malformed: ${problem}.` });
  const customRequests: [string, unknown][] = [
    [TrainRequest.method, trainRefused('expected params as an object, found null')],
    [StopRequest.method, { stopped: false }],
    [RunsRequest.method, []],
    [RunEventsRequest.method, []],
    [DeleteRunRequest.method, { deleted: false, message: 'the server could not delete the run (see its log)' }],
    [LayersRequest.method, []],
    [ShrinkRequest.method, { edits: [] }],
    [BackendsRequest.method, { error: 'the server could not list the backends (see its log)' }],
  ];
  const standardRequests: [string, unknown][] = [
    ['textDocument/hover', null],
    ['textDocument/completion', []],
    ['textDocument/inlayHint', []],
    ['textDocument/codeAction', []],
    ['textDocument/formatting', []],
    ['textDocument/rangeFormatting', []],
    ['textDocument/documentSymbol', []],
    ['textDocument/foldingRange', []],
    ['textDocument/prepareRename', null],
    ['textDocument/rename', null],
    ['textDocument/definition', null],
    ['textDocument/semanticTokens/full', { data: [] }],
  ];
  let raw: RawClient;
  const u = 'file:///tmp/dnn-stress-test/params.dnn';
  before(async () => {
    raw = new RawClient();
    await raw.request('initialize', { processId: null, rootUri: null, capabilities: {} });
    raw.send({ method: 'initialized', params: {} });
    raw.send({ method: 'textDocument/didOpen', params: { textDocument: { uri: u, languageId: 'dnn', version: 1, text: specOfLength(3000) } } });
  });
  after(() => raw.close());

  it('every custom request of protocol/lsp.ts and every standard one, with `"params": null`', async () => {
    for (const [method, empty] of [...customRequests, ...standardRequests]) {
      assert.deepEqual(await raw.request(method, null), { result: empty }, `${method} with null params`);
    }
  });

  it('malformed params: wrong types, a missing document, a position of -1 or 1.5, a string, an array', async () => {
    const bad: [string, unknown, unknown][] = [
      ['textDocument/hover', { textDocument: { uri: u }, position: { line: -1, character: 0 } }, null],
      ['textDocument/hover', { textDocument: { uri: u }, position: { line: 1.5, character: 0 } }, null],
      ['textDocument/hover', { textDocument: { uri: u } }, null],
      ['textDocument/completion', { textDocument: { uri: 42 }, position: { line: 0, character: 0 } }, []],
      ['textDocument/completion', { textDocument: null, position: { line: 0, character: 0 } }, []],
      ['textDocument/completion', 'a string', []],
      ['textDocument/completion', 7, []],
      ['textDocument/inlayHint', { textDocument: { uri: u }, range: { start: { line: 0 } } }, []],
      [
        'textDocument/codeAction',
        { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, context: { only: 5 } },
        [],
      ],
      ['textDocument/rename', { textDocument: { uri: u }, position: { line: 0, character: 0 }, newName: null }, null],
      [
        TrainRequest.method,
        { uri: u, overrides: { train: { epochs: 'many' } } },
        trainRefused('`overrides`: `epochs`: expected a whole number ≥ 1, found "many"'),
      ],
      [TrainRequest.method, { uri: u, overrides: { train: { epochs: 0 } } }, trainRefused('`overrides`: `epochs`: expected a whole number ≥ 1, found "0"')],
      [TrainRequest.method, { uri: u, overrides: 'fast' }, trainRefused('`overrides`: expected an object of settings, found a string of 4 characters')],
      [TrainRequest.method, [null], trainRefused('expected params as an object, found null')],
      [RunEventsRequest.method, { runDir: ['a'] }, []],
      [ShrinkRequest.method, { uri: u, runDir: 7 }, { edits: [] }],
      [LayersRequest.method, { uri: { path: u } }, []],
    ];
    for (const [method, params, empty] of bad)
      assert.deepEqual(await raw.request(method, params), { result: empty }, `${method} with ${JSON.stringify(params)}`);
  });

  it('a request cancelled before it is handled is answered as cancelled (RequestCancelled), not computed', async () => {
    raw.send({
      method: 'textDocument/didChange',
      params: {
        textDocument: { uri: u, version: 2 },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# v2\n' }],
      },
    });
    const answer = await raw.cancelled('textDocument/semanticTokens/full', { textDocument: { uri: u } });
    assert.equal(answer.error?.code, -32800, JSON.stringify(answer));
  });

  it('afterwards the server is alive and answers completion correctly', async () => {
    const { result } = await raw.request('textDocument/completion', { textDocument: { uri: u }, position: { line: 6, character: 2 } });
    const labels = (result as CompletionItem[]).map((i) => i.label);
    for (const expected of ['dense', 'conv', 'task'])
      assert.ok(labels.includes(expected), `expected \`${expected}\` in completion, found ${labels.join(', ')}`);
    assert.ok(raw.alive);
  });
});

describe('a corrupt frame ends its server process, so that the client restarts it', () => {
  const frames: [string, string][] = [
    ['a Content-Length of 99 999 999 999', 'Content-Length: 99999999999\r\n\r\n{}'],
    ['no Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}'],
    ['a Content-Length that is not a number', 'Content-Length: twelve\r\n\r\n{}'],
    ['a header line without a colon', 'hello\r\n\r\n'],
    ['a header block that never ends', 'X'.repeat(20_000)],
    ['a body that is not JSON', 'Content-Length: 5\r\n\r\n{oops'],
  ];
  for (const [name, frame] of frames) {
    it(name, async () => {
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.resume();
      try {
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        child.stdin.write(frame);
        let timer: NodeJS.Timeout | undefined;
        const stuck = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running after 30 s'), 30_000)));
        const code = await Promise.race([exited, stuck]);
        clearTimeout(timer);
        assert.equal(code, 1);
        assert.match(
          stderr,
          /dropneuron-language-server: the message stream from the client is corrupt \(.+\); exiting so that the client restarts the server/,
        );
      } finally {
        if (child.exitCode === null) child.kill();
      }
    });
  }

  it('a well-formed stream split at every byte still works, and `"params": null` gets the empty answer', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const frame = (message: object): Buffer => {
        const body = JSON.stringify({ jsonrpc: '2.0', ...message });
        return Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${body}`);
      };
      const until = async (text: string): Promise<void> => {
        for (let i = 0; i < 300 && !stdout.includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      };
      for (const byte of frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }))
        child.stdin.write(Buffer.from([byte]));
      await until('"id":1');
      assert.match(stdout, /"serverInfo":\{"name":"dropneuron-language-server"/);
      child.stdin.write(
        Buffer.concat([frame({ id: 2, method: 'textDocument/hover', params: null }), frame({ id: 3, method: 'dropneuron/runs', params: null })]),
      );
      await until('"id":3');
      assert.match(stdout, /\{"jsonrpc":"2.0","id":2,"result":null\}/);
      assert.match(stdout, /\{"jsonrpc":"2.0","id":3,"result":\[\]\}/);
      assert.equal(child.exitCode, null);
    } finally {
      child.kill();
    }
  });
});
