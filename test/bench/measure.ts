import { performance } from 'node:perf_hooks';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs `fn` five times to warm the JIT, then `runs` times; prints and returns the median in ms. */
export function time(label: string, runs: number, fn: () => unknown, width = 34): number {
  for (let i = 0; i < 5; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const m = median(samples);
  console.log(
    `${label.padEnd(width)} median ${m.toFixed(3)} ms  (p10 ${sorted[Math.floor(runs * 0.1)]!.toFixed(3)}, p90 ${sorted[Math.floor(runs * 0.9)]!.toFixed(3)}, ${runs} runs)`,
  );
  return m;
}
