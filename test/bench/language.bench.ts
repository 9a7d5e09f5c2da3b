// npm run bench:language — parse + check of a generated 5 000-line spec, median of many runs; adversarial lines
// (linear time) and the largest spec the language reads.
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
  const { analyze, format, MAX_SPEC_LENGTH } = await loadBundled<typeof import('../../language/index.ts')>(
    join(import.meta.dirname, '..', '..', 'language', 'index.ts'),
  );
  const text = bigSpec(5000);
  const lines = text.split('\n').length - 1;
  console.log(`spec: ${lines} lines, ${(text.length / 1024).toFixed(0)} KiB; node ${process.version}`);
  const analysis = analyze(text);
  if (analysis.hasErrors) throw new Error(`expected the generated spec to check clean, found ${analysis.diagnostics[0]?.message}`);
  const parseCheck = time('parse + check (analyze)', 60, () => analyze(text));
  time('format', 60, () => format(text));
  console.log(`target ≤ 10 ms for parse + check: ${parseCheck <= 10 ? 'met' : 'NOT met'} (ratio ${(parseCheck / 10).toFixed(2)})`);

  // Linear time on adversarial input: a line of digits ending in a letter took 6.7 s at 50 KB and 26 s at 100 KB
  // with the backtracking number pattern the scanner had; 10x the input should now cost about 10x the time.
  console.log('\nadversarial lines (check of `dense a 111…1a`, the whole spec):');
  const digits = (n: number): string => `model m {\n  data mnist\n  dense a ${'1'.repeat(n)}a\n  dense out 10\n}\n`;
  let previous: number | undefined;
  for (const n of [10_000, 100_000, 1_000_000]) {
    const spec = digits(n);
    const ms = time(`  ${String(n / 1000).padStart(5)} KB of digits`, n >= 1_000_000 ? 5 : 20, () => analyze(spec));
    if (previous !== undefined) console.log(`    ×10 input → ×${(ms / previous).toFixed(1)} time`);
    previous = ms;
  }
  const punctuation = `model m {\n  data mnist\n  dense a ${'{'.repeat(1_000_000)}\n  dense out 10\n}\n`;
  time('  1 MB of `{` (a million tokens, 500 diagnostics kept)', 5, () => analyze(punctuation));
  const largest = bigSpec(31_000);
  console.log(
    `\nthe largest spec read (${(largest.length / 1024 / 1024).toFixed(2)} MB, ${largest.split('\n').length} lines; past ${MAX_SPEC_LENGTH} characters a spec gets DNN309):`,
  );
  time('  parse + check (analyze)', 5, () => analyze(largest));
  time('  format', 5, () => format(largest));
}

if (process.argv[1]?.endsWith('language.bench.ts')) void main();
