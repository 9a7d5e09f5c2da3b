// npm run bench:server — on a 5 000-line spec: completion latency and diagnostics conversion after the
// parse (the document store analyses each version once), in-process on the bundled code and as a real
// LSP round trip to `node dist/server.js --stdio`. Reported, never asserted.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TestClient } from '../server/client.ts';
import { loadBundled } from './bundle.ts';
import { median, time as timeWith } from './measure.ts';

const time = (label: string, runs: number, fn: () => unknown): number => timeWith(label, runs, fn, 52);
import { bigSpec } from './language.bench.ts';

async function main(): Promise<void> {
  const root = join(import.meta.dirname, '..', '..');
  type Mods = {
    analyze: typeof import('../../language/index.ts').analyze;
    complete: typeof import('../../server/src/completion.ts').complete;
    toLspDiagnostic: typeof import('../../server/src/diagnostics.ts').toLspDiagnostic;
  };
  const m = await loadBundled<Mods>({
    resolveDir: root,
    contents:
      "export { analyze } from './language/index.ts';\nexport { complete } from './server/src/completion.ts';\nexport { toLspDiagnostic } from './server/src/diagnostics.ts';\n",
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

void main();
