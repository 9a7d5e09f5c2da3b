// npm run bench:language — parse + check of a generated 5 000-line spec, median of many runs.
// A benchmark, not a test: these machines are shared, so timings are reported, never asserted.
import { join } from 'node:path';
import { loadBundled } from './bundle.ts';
import { time } from './measure.ts';

export function bigSpec(lines: number): string {
  const out = ['# generated benchmark spec', 'model big {', '  data synthetic samples=64 classes=10', '  input 64', ''];
  let i = 0;
  while (out.length < lines - 12) {
    out.push(`  dense fc${i} ${32 + (i % 64)} relu l1=0.0001 dropneuron=0.0005  # layer ${i}`);
    i++;
  }
  out.push(
    '  dense out 10',
    '}',
    '',
    'regularize {',
    '  l1 0.0001',
    '  keep_prob 0.5',
    '  dropneuron 0.0005',
    '  threshold 0.01',
    '}',
    '',
    'train {',
    '  epochs 1',
    '}',
  );
  return out.join('\n') + '\n';
}

async function main(): Promise<void> {
  const { analyze, format } = await loadBundled<typeof import('../../language/index.ts')>(join(import.meta.dirname, '..', '..', 'language', 'index.ts'));
  const text = bigSpec(5000);
  const lines = text.split('\n').length - 1;
  console.log(`spec: ${lines} lines, ${(text.length / 1024).toFixed(0)} KiB; node ${process.version}`);
  const analysis = analyze(text);
  if (analysis.hasErrors) throw new Error(`expected the generated spec to check clean, found ${analysis.diagnostics[0]?.message}`);
  const parseCheck = time('parse + check (analyze)', 60, () => analyze(text));
  time('format', 60, () => format(text));
  console.log(`target ≤ 10 ms for parse + check: ${parseCheck <= 10 ? 'met' : 'NOT met'} (ratio ${(parseCheck / 10).toFixed(2)})`);
}

if (process.argv[1]?.endsWith('language.bench.ts')) void main();
