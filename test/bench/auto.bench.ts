// npm run bench:auto [-- --epochs N --limit N --threads N] — what `dropneuron auto` and the proximal update cost
// against a fixed-λ run of the same length: examples/lenet-300-100.dnn (keep_prob 1), trained in process on the
// first LIMIT MNIST samples for EPOCHS epochs with, in turn, a fixed λ (the seed's gradient update, then
// `update proximal`) and `dropneuron auto` (both updates). Per run: wall and CPU seconds, the training seconds of
// its epochs (the steps alone), the rest (evaluation: auto scores a validation set every epoch; the fixed run only
// the test set), and each against the fixed gradient run. The model each run ships is printed beside, for
// orientation only: these runs are too short to compare accuracy (scripts/auto-targets.ts does). The cost of a
// step against PyTorch's: `npm run bench:trainer`. Never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { DoneEvent, EpochEvent, StartEvent, TrainerEvent } from '../../protocol/events.ts';
import type { TrainingOverrides } from '../../protocol/settings.ts';
import { train } from '../../trainer/src/run.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const { values: opts } = parseArgs({
  options: { epochs: { type: 'string', default: '6' }, limit: { type: 'string', default: '10000' }, threads: { type: 'string' } },
});
const EPOCHS = Number(opts.epochs);
const LIMIT = Number(opts.limit);
const LAMBDA = 0.005;

interface Row {
  label: string;
  wall: number;
  cpu: number;
  /** Σ of the epochs' training seconds (the steps), as the epoch events report them. */
  steps: number;
  done: DoneEvent;
  start: StartEvent;
}

async function measure(label: string, regularize: NonNullable<TrainingOverrides['regularize']>, dir: string): Promise<Row> {
  const events: TrainerEvent[] = [];
  const overrides: TrainingOverrides = {
    regularize: { keepProb: 1, ...regularize },
    train: { epochs: EPOCHS, ...(opts.threads ? { threads: Number(opts.threads) } : {}) },
    limit: LIMIT,
  };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await train({
    specPath: join(ROOT, 'examples', 'lenet-300-100.dnn'),
    overrides,
    outDir: join(dir, label.replace(/\W+/g, '-')),
    emit: (e) => events.push(e),
  });
  const c = process.cpuUsage(c0);
  if (result.type !== 'done') throw new Error(`${label}: expected the run to finish, found ${JSON.stringify(result)}`);
  const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
  return {
    label,
    wall: (performance.now() - t0) / 1000,
    cpu: (c.user + c.system) / 1e6,
    steps: epochs.reduce((s, e) => s + e.seconds, 0),
    done: result,
    start: events[0] as StartEvent,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dnn-bench-auto-'));
  try {
    const rows: Row[] = [];
    rows.push(await measure(`λ ${LAMBDA}, gradient`, { dropneuron: LAMBDA }, dir));
    rows.push(await measure(`λ ${LAMBDA}, proximal`, { dropneuron: LAMBDA, update: 'proximal' }, dir));
    rows.push(await measure('auto, gradient', { dropneuron: 'auto', update: 'gradient' }, dir));
    rows.push(await measure('auto, proximal', { dropneuron: 'auto', update: 'proximal' }, dir));
    const base = rows[0]!;
    const start = base.start;
    console.log(
      `LeNet-300-100 (keep_prob 1), ${EPOCHS} epochs on ${LIMIT} MNIST samples; backend ${start.backend}${start.threads ? ` × ${start.threads} threads` : ''}; ` +
        `${availableParallelism()} cores (${cpus()[0]?.model.trim()}); load average ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log('');
    console.log('| run | wall s | cpu s | steps s | evaluation and the rest s | wall vs fixed λ | validation samples | ships: test acc. | compact params |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      const s = r.done.summary;
      console.log(
        `| ${r.label} | ${r.wall.toFixed(1)} | ${r.cpu.toFixed(1)} | ${r.steps.toFixed(1)} | ${(r.wall - r.steps).toFixed(1)} | ${(r.wall / base.wall).toFixed(2)}× | ${r.start.validationSamples ?? 0} | ${(100 * s.afterPrune).toFixed(2)} % | ${s.compactParams.toLocaleString('en')} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
