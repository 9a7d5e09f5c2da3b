// npm run bench:prune — how long re-pruning a finished LeNet-300-100 run takes (examples/lenet-300-100.dnn, trained
// one epoch on 3 000 MNIST samples: the weights have the real shapes, the test set is the whole 10 000): one
// threshold and a 24-point curve, end to end through `dropneuron prune --json` (Node start, TensorFlow.js, MNIST,
// the checkpoint) and in process (the pruning and test evaluations alone). Targets (the issue): < 2 s for one
// threshold, < 10 s for the curve on 2 cores. Reported with the machine's cores and backend; never asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DoneEvent } from '../../protocol/events.ts';
import { curveThresholds, thresholdCurve } from '../../trainer/src/prune/curve.ts';
import { openRun, pruneAt } from '../../trainer/src/prune/reprune.ts';
import { train } from '../../trainer/src/run.ts';
import { median } from './measure.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RUNS = 3;

/** Wall and CPU seconds (this process's user + system): on a shared machine the CPU time is what the work costs. */
async function seconds<T>(fn: () => Promise<T> | T): Promise<[T, Timing]> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return [value, { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 }];
}

interface Timing {
  wall: number;
  cpu: number;
}

/** The built CLI's wall time, and its CPU time (user + system, all its threads) as bash's `time` reports it. */
function cli(args: string[]): Timing {
  const command = [process.execPath, join(ROOT, 'bin', 'dropneuron.js'), ...args].map((a) => `'${a}'`).join(' ');
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time ${command} > /dev/null`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dropneuron ${args.join(' ')} failed: ${r.stderr}`);
  const [user, system] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall: (performance.now() - t0) / 1000, cpu: user! + system! };
}

const medianOf = (ts: Timing[]): Timing => ({ wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) });

const line = (label: string, t: Timing, target?: number): void =>
  console.log(
    `${label.padEnd(52)} wall ${t.wall.toFixed(2).padStart(6)} s, cpu ${t.cpu.toFixed(2).padStart(6)} s${target ? `  (target < ${target} s wall: ${t.wall < target ? 'met' : 'not met'}; by cpu time: ${t.cpu < target ? 'met' : 'not met'})` : ''}`,
  );

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dnn-bench-prune-'));
  try {
    const runDir = join(dir, 'run');
    const [result, trained] = await seconds(() =>
      train({ specPath: join(ROOT, 'examples', 'lenet-300-100.dnn'), overrides: { train: { epochs: 1 }, limit: 3000 }, outDir: runDir, emit: () => {} }),
    );
    if (result.type !== 'done') throw new Error(`expected the run to finish, found: ${JSON.stringify(result)}`);
    const done = result as DoneEvent;
    console.log(
      `LeNet-300-100, 1 epoch on 3 000 samples (run with its curve: ${trained.wall.toFixed(1)} s); ${availableParallelism()} cores; load average ${loadavg()[0]!.toFixed(1)}`,
    );

    const [run, opened] = await seconds(() => openRun(runDir));
    console.log(`backend ${run.backend.name}; the test set's 10 000 samples at every threshold`);
    line('open the run (spec, checkpoint, MNIST)', opened);
    const one: Timing[] = [];
    for (let i = 0; i < RUNS + 1; i++) one.push((await seconds(() => pruneAt(run, 0.02 + i * 1e-4)))[1]);
    line('prune at one threshold, in process (median)', medianOf(one.slice(1)));
    const grid = curveThresholds(run.weights);
    const [, curve] = await seconds(() => thresholdCurve(run.model, run.weights, run.evaluator, done.summary.beforePrune, grid));
    line(`curve of ${grid.length + 1} points, in process`, curve);

    const single = Array.from({ length: RUNS }, () => cli(['prune', runDir, '--threshold', '0.02', '--json']));
    line('`dropneuron prune --threshold X --json` (median)', medianOf(single), 2);
    const many = Array.from({ length: RUNS }, () => cli(['prune', runDir, '--threshold', grid.join(','), '--json']));
    line(`\`dropneuron prune\` at ${grid.length} thresholds (median)`, medianOf(many), 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
