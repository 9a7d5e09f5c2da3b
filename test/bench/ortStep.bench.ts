// LeNet-300-100's training step on `ort` (examples/lenet-300-100.dnn: Adam, l1, DropNeuron, batch 256), as the loop
// runs it (OrtStep.stepBatch). Two parts, both reported, never asserted:
//  - profile: onnxruntime's profiler (`enableProfiling`) over `--runs` steps on one thread: the nodes of the step
//    graph, and their kernel time summed by op type, with how much of it is passes over the weights, the matrix
//    products and the small nodes;
//  - A/B: with `--base <dir>` (a copy of trainer/src/ort from another commit, at the same depth so its imports resolve,
//    e.g. trainer/src/ort/_base/), that step and this one alternate, step by step, in one process, on the same
//    batches: medians of each (the machine is shared: the interleaving is what makes the two comparable).
// Usage: node --import tsx test/bench/ortStep.bench.ts [--threads 1] [--runs 200] [--profile] [--base trainer/src/ort/_base]
// (ORT_NODES=1 with --profile: the kernel time by op type and output size too.)
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { Batches, oneHotClasses } from '../../trainer/src/batches.ts';
import { LossSums } from '../../trainer/src/lossSums.ts';
import { Network } from '../../trainer/src/network.ts';
import { REBUILT_OPS } from '../../trainer/src/ops.ts';
import { makeOptimizer } from '../../trainer/src/optimizer.ts';
import { OrtStep } from '../../trainer/src/ort/ortStep.ts';
import { loadOrt } from '../../trainer/src/ort/runtime.ts';
import type { Session } from '../../trainer/src/ort/session.ts';
import { FULL_PENALTIES } from '../../trainer/src/penalties.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { median } from './measure.ts';
import { randomData } from './randomData.ts';

const { values: args } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    runs: { type: 'string', default: '200' },
    base: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const threads = Number(args.threads);
const runs = Number(args.runs);
const BATCH = 256;
const spec = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'lenet-300-100.dnn'), 'utf8');
const model = analyze(spec, { train: { batch: BATCH } }).model!;

type Stepper = Pick<OrtStep, 'load' | 'stepBatch' | 'dispose'>;
type StepClass = { start(m: typeof model, targetWidth: number, threads: number): Promise<Stepper> };

/** A stepper of `Step` on its own network and data (the same seed for each: the same batches). */
async function make(Step: StepClass) {
  const rng = new Rng(1);
  const data = randomData(model, BATCH, rng);
  const network = new Network(model, rng, REBUILT_OPS);
  const optimizer = makeOptimizer(model);
  const batches = new Batches(data, BATCH, oneHotClasses(model));
  const step = await Step.start(model, batches.targetWidth, threads);
  await step.load(network, optimizer);
  const order = rng.permutation(data.trainCount);
  const sums = new LossSums();
  let i = 0;
  return {
    step,
    /** One step: its wall time and the process's CPU time in it (ms). */
    run: async (): Promise<{ wall: number; cpu: number }> => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await step.stepBatch(network, optimizer, batches, order, i++ % batches.count, { dropoutSeed: rng.seed(), scale: FULL_PENALTIES }, sums);
      const wall = performance.now() - t0;
      const used = process.cpuUsage(c0);
      return { wall, cpu: (used.user + used.system) / 1000 };
    },
  };
}

/** Profiles `runs` steps of `Step`: the session opened with enableProfiling (onnxruntime-node's create, wrapped for it). */
async function profile(Step: StepClass, label: string): Promise<void> {
  const ort = loadOrt();
  const create = ort.InferenceSession.create.bind(ort.InferenceSession);
  const prefix = join('/tmp', `ort-profile-${process.pid}-${label}`);
  (ort.InferenceSession as { create: unknown }).create = (bytes: Uint8Array, options: object) =>
    create(bytes, { ...options, enableProfiling: true, profileFilePrefix: prefix });
  const s = await make(Step);
  (ort.InferenceSession as { create: unknown }).create = create;
  for (let i = 0; i < runs; i++) await s.run();
  const session = (s.step as unknown as { session: Session }).session;
  session.endProfiling();
  await s.step.dispose();
  const file = readdirSync('/tmp').find((f) => f.startsWith(`ort-profile-${process.pid}-${label}`))!;
  const events = JSON.parse(readFileSync(join('/tmp', file), 'utf8')) as {
    cat: string;
    name: string;
    dur: number;
    args: { op_name?: string; output_size?: string };
  }[];
  rmSync(join('/tmp', file));
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
  const runsTimed = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const nodes = new Set(kernels.map((e) => e.name)).size;
  const byOp = new Map<string, { us: number; n: number }>();
  let big = 0;
  let small = 0;
  let smallCount = 0;
  const perNode = new Map<string, number>();
  for (const e of kernels) {
    const op = e.args.op_name ?? '?';
    const o = byOp.get(op) ?? { us: 0, n: 0 };
    o.us += e.dur;
    o.n++;
    byOp.set(op, o);
    const bytes = Number(e.args.output_size ?? 0);
    if (process.env.ORT_NODES) perNode.set(`${op} ${bytes / 4}`, (perNode.get(`${op} ${bytes / 4}`) ?? 0) + e.dur);
    if (op === 'MatMul' || op === 'Gemm' || op === 'FusedMatMul' || op === 'FusedGemm') continue;
    if (bytes >= 4 * 100_000) big += e.dur;
    else {
      small += e.dur;
      smallCount++;
    }
  }
  const perStep = (us: number) => (us / runs / 1000).toFixed(3);
  const kernelSum = kernels.reduce((a, e) => a + e.dur, 0);
  const runSum = runsTimed.slice(-runs).reduce((a, e) => a + e.dur, 0);
  console.log(
    `\n[${label}] profile, ${runs} steps, ${threads} thread(s): ${nodes} nodes; per step: model_run ${perStep(runSum)} ms, kernels ${perStep(kernelSum)} ms`,
  );
  console.log(`  outside kernels (per-node overhead, allocation, copies in/out): ${perStep(runSum - kernelSum)} ms`);
  console.log(
    `  elementwise etc. over ≥ 100 k values (the weights): ${perStep(big)} ms; under 100 k values: ${perStep(small)} ms (${(smallCount / runs).toFixed(0)} nodes)`,
  );
  for (const [key, us] of [...perNode].sort((a, b) => b[1] - a[1])) console.log(`    ${key}: ${perStep(us)} ms`);
  for (const [op, { us, n }] of [...byOp].sort((a, b) => b[1].us - a[1].us)) console.log(`  ${op.padEnd(16)} ${perStep(us)} ms  (${n / runs} nodes)`);
}

async function main(): Promise<void> {
  await selectBackend('ort', model);
  const current = OrtStep as unknown as StepClass;
  const base = args.base ? ((await import(resolve(args.base, 'ortStep.ts'))) as { OrtStep: StepClass }).OrtStep : undefined;
  console.log(
    `load before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (args.profile) {
    if (base) await profile(base, 'base');
    await profile(current, 'new');
  }
  if (base) {
    const a = await make(base);
    const b = await make(current);
    for (let i = 0; i < 5; i++) {
      await a.run();
      await b.run();
    }
    const ta: { wall: number; cpu: number }[] = [];
    const tb: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so that neither always follows the other's cache state.
      if (i % 2) {
        ta.push(await a.run());
        tb.push(await b.run());
      } else {
        tb.push(await b.run());
        ta.push(await a.run());
      }
    }
    const q = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length * p)]!;
    const line = (ts: { wall: number; cpu: number }[]) => {
      const wall = ts.map((t) => t.wall);
      return `wall median ${median(wall).toFixed(2)} ms (p10 ${q(wall, 0.1).toFixed(2)}, p90 ${q(wall, 0.9).toFixed(2)}), CPU median ${median(ts.map((t) => t.cpu)).toFixed(2)} ms`;
    };
    const ratio = (p: number) =>
      (
        q(
          tb.map((t) => t.wall),
          p,
        ) /
        q(
          ta.map((t) => t.wall),
          p,
        )
      ).toFixed(3);
    console.log(`\nA/B, ${runs} steps each, interleaved, ${threads} thread(s):`);
    console.log(`  base: ${line(ta)}`);
    console.log(`  new:  ${line(tb)}`);
    console.log(
      `  new / base: wall median ${ratio(0.5)}, p10 ${ratio(0.1)}, CPU median ${(median(tb.map((t) => t.cpu)) / median(ta.map((t) => t.cpu))).toFixed(3)}`,
    );
    await a.step.dispose();
    await b.step.dispose();
  }
  console.log(
    `load after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

void main();
