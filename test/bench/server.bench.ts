// npm run bench:server — on a 5 000-line spec: completion latency and diagnostics conversion after the
// parse (the document store analyses each version once), in-process on the bundled code and as a real
// LSP round trip to `node dist/server.js --stdio`; then the stress measurements below. Reported, never asserted.
//
// npm run bench:stress — only the stress measurements: a real server process given a spec just under the 2 MB
// limit and one of 5 MB (past it), each opened, hit with 1 000 incremental edits sent as fast as the pipe takes
// them, then asked for completion (the first answer after the storm, then the median of 50) and for every
// feature once; the server's resident memory (RSS, and its peak) is read from /proc. `--server PATH` measures
// another build of the server (e.g. an older commit's dist/server.js) with the same client.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../server/client.ts';
import { loadBundled } from './bundle.ts';
import { median, time as timeWith } from './measure.ts';
import { bigSpec } from './language.bench.ts';

const time = (label: string, runs: number, fn: () => unknown): number => timeWith(label, runs, fn, 52);
const root = join(import.meta.dirname, '..', '..');

interface Position {
  line: number;
  character: number;
}

/** A valid spec of `length` characters or just under: a synthetic model of many small dense layers, one per line. */
export function specOfLength(length: number): string {
  const head = '# generated stress spec\nmodel big {\n  data synthetic samples=64 classes=10\n  input 64\n\n';
  const tail = '  dense out 10\n}\n\nregularize {\n  l1 0.0001\n  dropneuron 0.0005\n}\n\ntrain {\n  epochs 1\n}\n';
  const lines: string[] = [];
  let size = head.length + tail.length;
  for (let i = 0; ; i++) {
    const line = `  dense fc${i} ${16 + (i % 16)} relu l1=0.0001 dropneuron=0.0005  # layer ${i}\n`;
    if (size + line.length > length) break;
    lines.push(line);
    size += line.length;
  }
  return head + lines.join('') + tail;
}

/** `count` edits in the trailing comments of the spec's layer lines: a digit typed, then deleted again, and so on. */
export function editStorm(text: string, count: number): { edits: { range: { start: Position; end: Position }; text: string }[]; final: string } {
  const lines = text.split('\n');
  const edits: { range: { start: Position; end: Position }; text: string }[] = [];
  const layerLines = lines.map((l, i) => (l.includes('# layer') ? i : -1)).filter((i) => i >= 0);
  for (let k = 0; k < count; k++) {
    if (k % 2 === 0 || k === count - 1) {
      const line = layerLines[(k * 7919) % layerLines.length]!;
      const character = lines[line]!.length;
      edits.push({ range: { start: { line, character }, end: { line, character } }, text: '7' });
      lines[line] += '7';
    } else {
      const previous = edits[k - 1]!.range.start;
      edits.push({ range: { start: previous, end: { line: previous.line, character: previous.character + 1 } }, text: '' });
      lines[previous.line] = lines[previous.line]!.slice(0, -1);
    }
  }
  return { edits, final: lines.join('\n') };
}

/** A server process with a plain LSP client and its pid, for /proc. */
async function startServer(serverPath: string): Promise<{ connection: ProtocolConnection; pid: number; diagnostics: Map<string, number>; stop: () => void }> {
  const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, number>();
  connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => {
    diagnostics.set(p.uri, p.version ?? -1);
  });
  connection.onRequest('workspace/configuration', () => [null]);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
  await connection.sendNotification(InitializedNotification.type, {});
  return { connection, pid: child.pid!, diagnostics, stop: () => (connection.dispose(), child.kill()) };
}

/** Resident memory of a process, now and at its peak, in MB (Linux /proc). */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function until(test: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** Resolves with the request's time in ms, or undefined past `timeoutMs` (the server may still be working). */
async function timed(connection: ProtocolConnection, method: string, params: unknown, timeoutMs = 60_000): Promise<number | undefined> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    connection.sendRequest(method, params).then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]);
  clearTimeout(timer);
  return done ? performance.now() - t0 : undefined;
}

const ms = (x: number | undefined): string => (x === undefined ? '> 60 s (gave up)' : x < 10 ? `${x.toFixed(2)} ms` : `${x.toFixed(0)} ms`);

async function stress(serverPath: string, label: string, text: string): Promise<void> {
  const uri = `file:///tmp/dnn-stress-bench/${label.replace(/\W+/g, '-')}.dnn`;
  const server = await startServer(serverPath);
  const line = (what: string, value: string): void => console.log(`  ${what.padEnd(58)} ${value}`);
  try {
    console.log(`\n${label}: ${(text.length / 1024 / 1024).toFixed(2)} MB, ${text.split('\n').length} lines`);
    let t0 = performance.now();
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dnn', version: 1, text } });
    await until(() => server.diagnostics.get(uri) === 1, 300_000);
    line('open → first diagnostics', ms(performance.now() - t0));
    const { edits } = editStorm(text, 1000);
    t0 = performance.now();
    await Promise.all(
      edits.map((e, k) =>
        server.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version: k + 2 },
          contentChanges: [{ range: e.range, text: e.text }],
        }),
      ),
    );
    const position = { line: 5, character: 2 };
    const first = await timed(server.connection, 'textDocument/completion', { textDocument: { uri }, position }, 300_000);
    line('1 000 edits sent, then completion answered (from the first edit)', ms(performance.now() - t0));
    line('  of which the completion request itself', ms(first));
    const settled = await until(() => server.diagnostics.get(uri) === edits.length + 1, 300_000);
    line('diagnostics of the last version published', settled ? `after ${ms(performance.now() - t0)}` : 'not within 5 minutes');
    const xs: number[] = [];
    for (let i = 0; i < 50; i++) xs.push((await timed(server.connection, 'textDocument/completion', { textDocument: { uri }, position }))!);
    line('completion after the storm, median of 50 (p90)', `${ms(median(xs))} (${ms([...xs].sort((a, b) => a - b)[45])})`);
    const mem = memory(server.pid);
    line('server memory after the storm: RSS (peak)', `${mem.rss.toFixed(0)} MB (${mem.peak.toFixed(0)} MB)`);
    const features: [string, string, unknown][] = [
      ['hover on a layer', 'textDocument/hover', { textDocument: { uri }, position: { line: 1000, character: 4 } }],
      [
        'inlay hints, 50 visible lines',
        'textDocument/inlayHint',
        { textDocument: { uri }, range: { start: { line: 1000, character: 0 }, end: { line: 1050, character: 0 } } },
      ],
      [
        'inlay hints, the whole document',
        'textDocument/inlayHint',
        { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 200_000, character: 0 } } },
      ],
      ['document symbols (the outline)', 'textDocument/documentSymbol', { textDocument: { uri } }],
      ['semantic tokens', 'textDocument/semanticTokens/full', { textDocument: { uri } }],
    ];
    for (const [what, method, params] of features) {
      const took = await timed(server.connection, method, params);
      line(what, ms(took));
      if (took === undefined) break;
    }
    const after = memory(server.pid);
    line('server memory at the end: RSS (peak)', `${after.rss.toFixed(0)} MB (${after.peak.toFixed(0)} MB)`);
  } finally {
    server.stop();
  }
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--server');
  const serverPath = at >= 0 ? process.argv[at + 1]! : join(root, 'dist', 'server.js');
  if (!process.argv.includes('--stress')) await features();
  console.log(`\nstress: ${serverPath}; node ${process.version}`);
  await stress(serverPath, 'a spec just under the 2 MB limit', specOfLength(2 * 1024 * 1024 - 1000));
  await stress(serverPath, 'a 5 MB spec (past the limit)', specOfLength(5 * 1024 * 1024));
}

async function features(): Promise<void> {
  type Mods = {
    analyze: typeof import('../../language/index.ts').analyze;
    complete: typeof import('../../server/src/completion.ts').complete;
    toLspDiagnostic: typeof import('../../server/src/diagnostics.ts').toLspDiagnostic;
    semanticTokens: typeof import('../../server/src/semanticTokens.ts').semanticTokens;
    documentSymbols: typeof import('../../server/src/symbols.ts').documentSymbols;
    inlayHints: typeof import('../../server/src/inlayHints.ts').inlayHints;
  };
  const m = await loadBundled<Mods>({
    resolveDir: root,
    contents: [
      "export { analyze } from './language/index.ts';",
      "export { complete } from './server/src/completion.ts';",
      "export { toLspDiagnostic } from './server/src/diagnostics.ts';",
      "export { semanticTokens } from './server/src/semanticTokens.ts';",
      "export { documentSymbols } from './server/src/symbols.ts';",
      "export { inlayHints } from './server/src/inlayHints.ts';",
    ].join('\n'),
  });

  const text = bigSpec(5000);
  const lines = text.split('\n');
  const middle = Math.floor(lines.length / 2);
  const clean = m.analyze(text);
  // The same spec with an error on every 10th layer line: 500 diagnostics to convert and send.
  const broken = lines.map((l, i) => (i % 10 === 5 && l.includes('relu') ? l.replace('relu', 'reluu') : l)).join('\n');
  const noisy = m.analyze(broken);
  console.log(`spec: ${lines.length} lines; ${noisy.diagnostics.length} diagnostics in the noisy variant; node ${process.version}`);
  const completion = time('completion, start of a model line (cached analysis)', 200, () => m.complete(clean, { line: middle, character: 2 }));
  time('completion, after a layer size (activations)', 200, () => m.complete(clean, { line: middle, character: lines[middle]!.indexOf('relu') }));
  const diagnostics = time('diagnostics → LSP, 500 diagnostics', 200, () => noisy.diagnostics.map((d) => m.toLspDiagnostic('file:///big.dnn', d)));
  console.log(`targets: completion ≤ 5 ms ${completion <= 5 ? 'met' : 'NOT met'}; diagnostics ≤ 10 ms after parsing ${diagnostics <= 10 ? 'met' : 'NOT met'}`);

  // Features that walk the whole document, on 5 000 and 30 000 layers: linear, so 6x the layers should cost about 6x.
  for (const count of [5000, 30_000]) {
    const spec = count === 5000 ? clean : m.analyze(bigSpec(count));
    const all = { start: { line: 0, character: 0 }, end: { line: count + 20, character: 0 } };
    console.log(`whole-document features, ${count} layers:`);
    time('  semantic tokens', 10, () => m.semanticTokens(spec));
    time('  document symbols', 10, () => m.documentSymbols(spec));
    time('  inlay hints, 50 visible lines', 10, () =>
      m.inlayHints(spec, { start: { line: count / 2, character: 0 }, end: { line: count / 2 + 50, character: 0 } }, undefined),
    );
    time('  inlay hints, the whole document', 10, () => m.inlayHints(spec, all, undefined));
  }

  const client = new TestClient();
  await client.initialize();
  const uri = 'file:///tmp/big.dnn';
  let t0 = performance.now();
  await client.open(uri, text);
  await client.waitFor((n) => n.method === 'textDocument/publishDiagnostics');
  console.log(`${'open → first diagnostics (parse + check + send)'.padEnd(48)} ${(performance.now() - t0).toFixed(1)} ms (one run)`);
  const xs: number[] = [];
  for (let i = 0; i < 50; i++) {
    t0 = performance.now();
    await client.request('textDocument/completion', { textDocument: { uri }, position: { line: middle, character: 2 } });
    xs.push(performance.now() - t0);
  }
  console.log(`${'completion round trip over stdio'.padEnd(48)} median ${median(xs.slice(5)).toFixed(2)} ms (45 runs)`);
  await client.close();
}

if (process.argv[1]?.endsWith('server.bench.ts')) void main();
