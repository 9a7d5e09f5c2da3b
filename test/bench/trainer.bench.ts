// npm run bench:trainer [-- BACKEND… | --profile | --job | --conv] — one DropNeuron training step (forward, loss with all
// penalties, backward, Adam, and on wasm and ort the batch's gathering) per available backend (or only those named), for
// LeNet-300-100 (batch 256) and LeNet-5 (batch 64): on wasm at 1 thread and at the cores available (data-parallel
// workers, trainer/src/parallel/), on ort (the step as one onnxruntime graph, trainer/src/ort/) at 1
// thread and at the cores available (onnxruntime's intra-op threads), and where /usr/bin/python3 has torch, the same steps in PyTorch at 1 and 2
// threads, with the ratios of each to PyTorch measured in the same run. Reported, never asserted. Timings use
// full-size random batches of MNIST's shape: the speed of a step does not depend on the pixel values.
// --profile: where one wasm LeNet-300-100 step's time goes (data, matrix products, penalties, the rest, Adam).
// --conv: each LeNet-5 conv layer's forward + kernel gradient as convolutions and as im2col products (ops.ts).
// --ort-threads: LeNet-300-100's ort step on one onnxruntime session at 1 and 2 intra-op threads against two worker
// threads with a session of 1 thread each, taking half the batch (the worker pool's data parallelism).
// --job: the README's job (examples/lenet-300-100.dnn, full MNIST), 2 epochs on wasm and on ort at 1 and at N threads, in child
// processes: seconds per epoch, wall time and peak RSS. On webgpu it times both gradient implementations
// (tfjs' built-in ones and the rebuilt ones of ops.ts) and counts the kernels one LeNet-300-100 step dispatches.
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { analyze, type CheckedModel } from '../../language/index.ts';
import { BACKEND_ORDER, type BackendName } from '../../language/index.ts';
import type { GpuAdapter } from '../../protocol/events.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { Batches, oneHotClasses } from '../../trainer/src/batches.ts';
import type { Trainee } from '../../trainer/src/loop.ts';
import { LossSums } from '../../trainer/src/lossSums.ts';
import { makeOptimizer } from '../../trainer/src/optimizer.ts';
import { Network } from '../../trainer/src/network.ts';
import { BUILT_IN_OPS, CONV_ON_DATA_FORMULATIONS, layerOpsFor, REBUILT_OPS, type LayerOps } from '../../trainer/src/ops.ts';
import { OrtStep } from '../../trainer/src/ort/ortStep.ts';
import { openSession } from '../../trainer/src/ort/session.ts';
import { adamFeeds, stepGraph, type StepGraph } from '../../trainer/src/ort/stepGraph.ts';
import { ortRefusal } from '../../trainer/src/ort/support.ts';
import { StepPool } from '../../trainer/src/parallel/pool.ts';
import { FULL_PENALTIES, penaltyVector } from '../../trainer/src/penalties.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { train } from '../../trainer/src/run.ts';
import { applyGradients, lossVector, stepGradients, stepLoss } from '../../trainer/src/step.ts';
import { countDispatches } from '../helpers/webgpuDispatches.ts';
import { median } from './measure.ts';
import { randomData } from './randomData.ts';

const TRAIN_SAMPLES = 60_000;
const PYTORCH_PEER = join(import.meta.dirname, 'pytorch-peer.py');
const examples = join(import.meta.dirname, '..', '..', 'examples');

interface Case {
  name: string;
  file: string;
  batch: number;
  /** Steps timed per backend (the cpu backend is slow: fewer steps). */
  steps: Partial<Record<BackendName, number>>;
  /** Steps timed on a software WebGPU adapter (lavapipe runs on the CPU: a LeNet-5 step takes seconds). */
  softwareSteps: number;
}

const CASES: Case[] = [
  { name: 'LeNet-300-100', file: 'lenet-300-100.dnn', batch: 256, steps: { gpu: 50, webgpu: 50, node: 50, ort: 60, wasm: 40, cpu: 6 }, softwareSteps: 10 },
  { name: 'LeNet-5', file: 'lenet-5.dnn', batch: 64, steps: { gpu: 30, webgpu: 30, node: 20, ort: 20, wasm: 10 }, softwareSteps: 3 },
];

/** The example's spec text and its checked model at the case's batch size. */
function modelOf(c: Case): { spec: string; model: CheckedModel } {
  const spec = readFileSync(join(examples, c.file), 'utf8');
  return { spec, model: analyze(spec, { train: { batch: c.batch } }).model! };
}

/** One step's inputs: the example's model at the case's batch size, a fresh network and Adam, a random batch. */
function setUp(c: Case, ops: LayerOps) {
  const { model } = modelOf(c);
  const rng = new Rng(1);
  const network = new Network(model, rng, ops);
  const optimizer = makeOptimizer(model);
  const x = tf.randomUniform([c.batch, ...model.input!]);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: c.batch }, () => rng.int(10)),
      'int32',
    ),
    10,
  );
  const step = async (): Promise<void> => {
    const parts = stepLoss(network, optimizer, model.task, x, y, { dropoutSeed: rng.seed() });
    await parts.data(); // waits for the step to finish (dataSync would throw on webgpu)
    parts.dispose();
  };
  const dispose = (): void => {
    network.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
  };
  return { model, rng, network, optimizer, x, y, step, dispose };
}

async function timeSteps(c: Case, steps: number, ops: LayerOps): Promise<number[]> {
  const s = setUp(c, ops);
  const times: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const t0 = performance.now();
    await s.step();
    if (i >= 2) times.push(performance.now() - t0); // two warm-up steps
  }
  s.dispose();
  return times;
}

/**
 * The wasm step as the loop runs it, batch gathering included: on this thread alone (threads 1) or split with
 * `threads − 1` workers (trainer/src/parallel/pool.ts).
 */
async function timeWasmSteps(c: Case, steps: number, threads: number): Promise<{ times: number[]; cpu: number[] }> {
  const { spec, model } = modelOf(c);
  const rng = new Rng(1);
  const data = randomData(model, c.batch, rng);
  const network = new Network(model, rng, REBUILT_OPS);
  const t: Trainee = { model, data, network, optimizer: makeOptimizer(model), rng };
  if (threads > 1) t.pool = await StepPool.start(threads, { spec, overrides: { train: { batch: c.batch } } }, model, data, network);
  const batches = t.pool?.batches ?? new Batches(data, c.batch, oneHotClasses(model));
  const order = rng.permutation(data.trainCount);
  const sums = new LossSums();
  const times: number[] = [];
  const cpu: number[] = [];
  // More warm-up than elsewhere: a worker's wasm code is compiled anew and tiers up over its first steps.
  const warmUp = threads > 1 ? 8 : 2;
  for (let i = 0; i < steps + warmUp; i++) {
    const b = i % batches.count;
    const options = { dropoutSeed: rng.seed(), scale: FULL_PENALTIES };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    if (t.pool) await t.pool.step(t, order, b, options, sums);
    else {
      const { x, y } = batches.take(order, b);
      sums.add(stepLoss(network, t.optimizer, model.task, x, y, options));
      tf.dispose([x, y]);
    }
    if (i >= warmUp) times.push(performance.now() - t0);
    const used = process.cpuUsage(c0);
    if (i >= warmUp) cpu.push((used.user + used.system) / 1000);
  }
  await sums.mean(1);
  sums.dispose();
  await t.pool?.dispose();
  network.dispose();
  t.optimizer.dispose();
  return { times, cpu };
}

/** The ort step as the loop runs it (batch gathering, dropout masks, the graph's run, weights kept on the host), on `threads` intra-op threads. */
async function timeOrtSteps(c: Case, steps: number, threads: number): Promise<{ times: number[]; cpu: number[] }> {
  const { model } = modelOf(c);
  const rng = new Rng(1);
  const data = randomData(model, c.batch, rng);
  const network = new Network(model, rng, REBUILT_OPS);
  const optimizer = makeOptimizer(model);
  const batches = new Batches(data, c.batch, oneHotClasses(model));
  const step = await OrtStep.start(model, batches.targetWidth, threads);
  await step.load(network, optimizer);
  const order = rng.permutation(data.trainCount);
  const sums = new LossSums();
  const times: number[] = [];
  const cpu: number[] = [];
  const warmUp = 3;
  for (let i = 0; i < steps + warmUp; i++) {
    const options = { dropoutSeed: rng.seed(), scale: FULL_PENALTIES };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await step.stepBatch(network, optimizer, batches, order, i % batches.count, options, sums);
    if (i >= warmUp) times.push(performance.now() - t0);
    const used = process.cpuUsage(c0);
    if (i >= warmUp) cpu.push((used.user + used.system) / 1000);
  }
  await step.store(network, optimizer);
  await step.dispose();
  sums.dispose();
  network.dispose();
  optimizer.dispose();
  return { times, cpu };
}

/**
 * Where one wasm LeNet-300-100 step's time goes, each part timed on its own (medians): gathering and uploading
 * the batch; forward and backward of the task loss alone, split by the kernel profile into the matrix products
 * and the rest (transposes, bias adds, activations, dropout, softmax); the penalties' forward and backward;
 * Adam's update; and the whole step.
 */
async function profileStep(): Promise<string> {
  const c = CASES[0]!;
  const { model } = modelOf(c);
  const rng = new Rng(1);
  const data = randomData(model, c.batch, rng);
  const network = new Network(model, rng, REBUILT_OPS);
  const optimizer = makeOptimizer(model);
  const batches = new Batches(data, c.batch, oneHotClasses(model));
  const order = rng.permutation(data.trainCount);
  const { x, y } = batches.take(order, 0);
  const noPenalties = { l1: 0, l2: 0, dropneuron: 0 };
  const runs = 30;
  // CPU time, not wall time: one thread here, and on a shared machine the wall clock also counts the others' turns.
  const timed = (f: () => void): number => {
    for (let i = 0; i < 3; i++) f();
    const ts: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      f();
      const used = process.cpuUsage(c0);
      ts.push((used.user + used.system) / 1000);
    }
    return median(ts);
  };
  const dataMs = timed(() => tf.dispose(Object.values(batches.take(order, 1))));
  const taskOnly = (): void => {
    const { parts, grads } = stepGradients(network, model.task, x, y, { dropoutSeed: 7, scale: noPenalties });
    tf.dispose([parts, ...grads]);
  };
  const taskMs = timed(taskOnly);
  let matMulMs = 0;
  let kernelMs = 0;
  for (let i = 0; i < 5; i++) {
    const profile = await tf.profile(() => (taskOnly(), []));
    for (const k of profile.kernels) {
      // customGrad records its forward as one more kernel around the ones inside: count the inner ones only.
      if (k.name === 'forward' || k.name.endsWith('__op')) continue;
      kernelMs += k.kernelTimeMs as number;
      if (k.name === 'BatchMatMul' || k.name === '_FusedMatMul') matMulMs += k.kernelTimeMs as number;
    }
  }
  const matMulShare = matMulMs / kernelMs;
  const penaltiesMs = timed(() => {
    const grads = tf.grads(
      (...ts: tf.Tensor[]) =>
        tf.sum(penaltyVector(network.params.map((p, i) => ({ ...p, w: ts[2 * i]!, b: ts[2 * i + 1]! })) as never, FULL_PENALTIES)) as tf.Scalar,
    )(network.variables);
    tf.dispose(grads);
  });
  const adamMs = timed(() =>
    applyGradients(
      network,
      optimizer,
      network.variables.map((v) => tf.mul(tf.onesLike(v), 1e-9)),
    ),
  );
  const stepMs = timed(() => {
    const { x: bx, y: by } = batches.take(order, 2);
    const parts = stepLoss(network, optimizer, model.task, bx, by, { dropoutSeed: 9 });
    tf.dispose([bx, by, parts]);
  });
  const forwardOnly = timed(() => tf.dispose(tf.tidy(() => lossVector(network, model.task, x, y, { dropoutSeed: 7 }))));
  tf.dispose([x, y]);
  network.dispose();
  optimizer.dispose();
  const pct = (ms: number) => `${ms.toFixed(1)} ms (${((100 * ms) / stepMs).toFixed(0)} %)`;
  return [
    `LeNet-300-100 wasm step, 1 thread, batch ${c.batch}, medians of ${runs} (CPU time): whole step ${stepMs.toFixed(1)} ms`,
    `| part | CPU time (share of the step) |`,
    `|---|---|`,
    `| data: gather the batch's rows, one-hot labels, upload | ${pct(dataMs)} |`,
    `| task loss forward + backward: matrix products | ${pct(taskMs * matMulShare)} |`,
    `| task loss forward + backward: the rest (transposes, bias, ReLU, dropout, softmax) | ${pct(taskMs * (1 - matMulShare))} |`,
    `| penalties (l1, DropNeuron) forward + backward | ${pct(penaltiesMs)} |`,
    `| Adam update | ${pct(adamMs)} |`,
    `| (forward with penalties alone, no gradient) | ${pct(forwardOnly)} |`,
  ].join('\n');
}

/**
 * What one training step costs in kernels on webgpu: the kernels tfjs' engine runs (tf.profile: Reshape and
 * Identity among them, which dispatch nothing) and the compute shaders the backend dispatches, split into the
 * forward pass with the loss and its penalties, the backward pass, and Adam's update. For small nets a GPU's
 * time goes into dispatches (each a few µs of launch and synchronisation), not FLOPs: this count is what a
 * fused kernel would reduce. Wraps the backend's recordAndSubmit, an internal of tfjs-backend-webgpu 4.22.
 */
async function countKernels(c: Case, ops: LayerOps): Promise<string> {
  const s = setUp(c, ops);
  let byProgram = new Map<string, number>();
  const counted = async (f: () => Promise<void>): Promise<number> => {
    const counts = await countDispatches(f);
    byProgram = counts.byProgram;
    return counts.dispatches;
  };
  try {
    await s.step(); // compiles every shader; counts are the same from here on
    await s.step();
    const total = (): tf.Scalar => {
      return tf.sum(lossVector(s.network, s.model.task, s.x, s.y, { dropoutSeed: s.rng.seed() })) as tf.Scalar;
    };
    const forward = await counted(async () => {
      const loss = tf.tidy(() => total());
      await loss.data();
      loss.dispose();
    });
    const penalties = await counted(async () => {
      const sum = tf.tidy(() => {
        return tf.sum(penaltyVector(s.network.params, FULL_PENALTIES));
      });
      await sum.data();
      sum.dispose();
    });
    const gradients = await counted(async () => {
      const { value, grads } = s.optimizer.computeGradients(total, s.network.variables);
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    });
    const step = await counted(s.step);
    const programs = [...byProgram].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`);
    const profile = await tf.profile(async () => {
      await s.step();
      return [];
    });
    const kernels = new Map<string, number>();
    for (const k of profile.kernels) kernels.set(k.name, (kernels.get(k.name) ?? 0) + 1);
    const names = [...kernels].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`);
    return [
      `${c.name}, batch ${c.batch}, ${ops === REBUILT_OPS ? 'rebuilt' : 'built-in'} gradients: one step runs ${profile.kernels.length} engine kernels and dispatches ${step} compute shaders`,
      `  dispatches: forward + loss + penalties ${forward} (the penalties alone ${penalties}), backward ${gradients - forward}, Adam update ${step - gradients}`,
      `  dispatches by program: ${programs.join(', ')}`,
      `  engine kernels by name: ${names.join(', ')}`,
    ].join('\n');
  } finally {
    s.dispose();
  }
}

/** PyTorch's step for both nets at 1 and 2 threads: ms per step by "net/threads", or why it was skipped. */
function pytorch(): { version: string; ms: Map<string, number> } | string {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'PyTorch: not installed for /usr/bin/python3 (apt-get install python3-torch libopenblas0-pthread), peer skipped';
  // The same nets, penalties and Adam as the examples: test/bench/pytorch-peer.py, shared with bench:gpu's CUDA row.
  const ms = new Map<string, number>();
  for (const threads of [1, 2]) {
    const run = spawnSync('/usr/bin/python3', [PYTORCH_PEER, 'cpu', String(threads)], {
      encoding: 'utf8',
      // glibc returning freed memory to the OS costs page faults on every step in these VMs: the shared note's settings.
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '2000000000', MALLOC_TRIM_THRESHOLD_: '2000000000' },
    });
    if (run.status !== 0) return `PyTorch: failed (${run.stderr.trim().split('\n').pop()})`;
    for (const line of run.stdout.trim().split('\n')) {
      const [net, value, cpu] = line.split(' ');
      ms.set(`${net}/${threads}`, Number(value));
      ms.set(`${net}/${threads}/cpu`, Number(cpu));
    }
  }
  return { version: probe.stdout.trim(), ms };
}

/** Seconds per epoch, wall time and RSS of the README's job for 2 epochs (run in a child process: its own peak RSS). */
async function job(threads: number, backend: 'wasm' | 'ort'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dnn-bench-'));
  const rss: number[] = [];
  const seconds: number[] = [];
  const t0 = performance.now();
  try {
    const result = await train({
      specPath: join(examples, 'lenet-300-100.dnn'),
      outDir: join(dir, 'run'),
      overrides: { train: { epochs: 2, threads, backend } },
      emit: (e) => {
        if (e.type !== 'epoch') return;
        seconds.push(e.seconds);
        rss.push(process.memoryUsage().rss);
      },
    });
    if (result.type !== 'done') throw new Error(result.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const wall = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ threads, seconds, wall, rss, peak: process.resourceUsage().maxRSS * 1024 }));
}

function jobRows(threadCounts: number[], backend: 'wasm' | 'ort'): string[] {
  const rows = ['| threads | s/epoch (training) | wall, 2 epochs with evaluation | RSS after epoch 1 → 2 | peak RSS |', '|---|---|---|---|---|'];
  for (const threads of threadCounts) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--job-child', String(threads), backend], { encoding: 'utf8' });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      rows.push(`| ${threads} | failed: ${child.stderr.trim().split('\n').pop()} | | | |`);
      continue;
    }
    const r = JSON.parse(line) as { seconds: number[]; wall: number; rss: number[]; peak: number };
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
    rows.push(`| ${threads} | ${r.seconds.map((x) => x.toFixed(1)).join(', ')} | ${r.wall.toFixed(1)} s | ${r.rss.map(mb).join(' → ')} | ${mb(r.peak)} |`);
  }
  return rows;
}

/** The webgpu rows' backend label: the adapter, and a warning where it is a software one. */
function webgpuLabel(adapter: GpuAdapter | undefined): string {
  const name = adapter?.description || [adapter?.vendor, adapter?.device].filter(Boolean).join(' ') || 'unknown adapter';
  return `webgpu (${name}${adapter?.software ? '; software adapter: not a speed figure' : ''})`;
}

/**
 * The kernel gradient and forward value of each LeNet-5 conv layer (batch 64) in the two formulations of
 * trainer/src/ops.ts: as convolutions (the kernel gradient a convolution over the batch axis) and as products of
 * im2col patches written on the host. Each layer is timed as if it were the network's first (no input gradient),
 * so that both formulations do the same work; medians of 10 after 2 warm-ups, CPU time.
 */
async function convFormulations(): Promise<string> {
  type Shape4 = [number, number, number, number];
  const layers: { name: string; x: Shape4; w: Shape4 }[] = [
    { name: 'c1 (28×28×1 → 32, 5×5)', x: [64, 28, 28, 1], w: [5, 5, 1, 32] },
    { name: 'c2 (14×14×32 → 64, 5×5)', x: [64, 14, 14, 32], w: [5, 5, 32, 64] },
  ];
  const lines = ['| layer | convolutions: forward + kernel gradient | im2col products | im2col / convolutions |', '|---|---|---|---|'];
  for (const layer of layers) {
    const x = tf.randomNormal(layer.x) as tf.Tensor4D;
    const w = tf.variable(tf.randomNormal(layer.w, 0, 0.1)) as unknown as tf.Tensor4D;
    // dy given: the gradient of a sum would broadcast a scalar over the output, a slow kernel on wasm that
    // the trainer never runs (its cross-entropy writes its own gradient).
    const dy = tf.randomNormal([...layer.x.slice(0, 3), layer.w[3]!]);
    const time = (f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D): number => {
      const once = (): void => {
        const dw = tf.grad((v: tf.Tensor) => f(x, v as tf.Tensor4D))(w, dy);
        dw.dataSync();
        dw.dispose();
      };
      for (let i = 0; i < 2; i++) once();
      const ts: number[] = [];
      for (let i = 0; i < 10; i++) {
        const c0 = process.cpuUsage();
        once();
        const used = process.cpuUsage(c0);
        ts.push((used.user + used.system) / 1000);
      }
      return median(ts);
    };
    const conv = time(CONV_ON_DATA_FORMULATIONS.convolution);
    const patches = time(CONV_ON_DATA_FORMULATIONS.patches);
    lines.push(`| ${layer.name} | ${conv.toFixed(1)} ms | ${patches.toFixed(1)} ms | ${(patches / conv).toFixed(2)}× |`);
    tf.dispose([x, w, dy]);
  }
  return `LeNet-5's conv layers on wasm, batch 64, one thread, CPU time (median of 10)\n${lines.join('\n')}`;
}

/** Random feeds of `graph` for `batch` rows (every per-step scalar 0.001, Adam's at its first step), as plain arrays a worker can take. */
function graphFeeds(graph: StepGraph, names: readonly string[], batch: number, rng: Rng): Record<string, { data: Float32Array; dims: number[] }> {
  const adam = adamFeeds({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, 1);
  const feeds: Record<string, { data: Float32Array; dims: number[] }> = {};
  const random = (dims: number[]) => ({ data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.next() * 0.01), dims });
  for (const name of names) {
    const state = [...graph.state, ...graph.variables].find((s) => s.name === name);
    if (name === 'x') feeds.x = random([batch, graph.inputWidth]);
    else if (name === 'y') {
      const y = new Float32Array(batch * graph.targetWidth);
      for (let i = 0; i < batch; i++) y[i * graph.targetWidth + rng.int(graph.targetWidth)] = 1;
      feeds.y = { data: y, dims: [batch, graph.targetWidth] };
    } else if (name.startsWith('mask'))
      feeds[name] = {
        data: new Float32Array(batch * graph.drops[Number(name.slice(4))]!.width).fill(1),
        dims: [batch, graph.drops[Number(name.slice(4))]!.width],
      };
    else if (state) feeds[name] = random(state.dims);
    else feeds[name] = { data: Float32Array.of(adam[name as keyof typeof adam] ?? 0.001), dims: [] };
  }
  return feeds;
}

/** A worker thread holding one onnxruntime session of 1 thread: each message runs a step and posts back the weights' next values (as big as their gradients). */
const ORT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ort);
ort.InferenceSession.create(workerData.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3 }).then((session) => {
  const feeds = {};
  for (const [name, f] of Object.entries(workerData.feeds)) feeds[name] = new ort.Tensor('float32', f.data, f.dims);
  parentPort.on('message', async () => {
    const out = await session.run(feeds);
    parentPort.postMessage(out.params_next.data);
  });
  parentPort.postMessage('ready');
});`;

/**
 * LeNet-300-100's step graph on one session at 1 and 2 intra-op threads, against two workers of one thread each on
 * half the batch with their results (every weight's next value) added on this thread: what the worker pool's data parallelism would
 * take at best (a real one would also run the update once more, on the summed gradients). Medians of CPU-heavy runs.
 */
async function ortThreadRows(): Promise<string> {
  const c = CASES[0]!;
  const { model } = modelOf(c);
  const rng = new Rng(1);
  const graph = stepGraph(model, 10);
  const steps = 60;
  const rows = ['| LeNet-300-100 ort step | ms/step (median) | spread |', '|---|---|---|'];
  const row = (label: string, times: number[]) =>
    rows.push(`| ${label} | ${median(times).toFixed(2)} | ${Math.min(...times).toFixed(1)}–${Math.max(...times).toFixed(1)} |`);
  for (const [threads, spinning] of [
    [1, true],
    [2, true],
    [2, false],
  ] as const) {
    const { ort, session } = await openSession(graph.bytes, threads, spinning);
    const raw = graphFeeds(graph, session.inputNames, c.batch, rng);
    const feeds = Object.fromEntries(Object.entries(raw).map(([name, f]) => [name, new ort.Tensor('float32', f.data, f.dims)]));
    const times: number[] = [];
    for (let i = 0; i < steps + 3; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      if (i >= 3) times.push(performance.now() - t0);
    }
    await session.release();
    row(`one session, ${threads} intra-op thread${threads > 1 ? `s${spinning ? '' : ', not spinning'}` : ''}, batch ${c.batch}`, times);
  }
  const { session } = await openSession(graph.bytes, 1);
  const half = graphFeeds(graph, session.inputNames, c.batch / 2, rng);
  await session.release();
  const workers = [0, 1].map(
    () => new Worker(ORT_WORKER, { eval: true, workerData: { ort: require.resolve('onnxruntime-node'), bytes: graph.bytes, feeds: half } }),
  );
  await Promise.all(workers.map((w) => new Promise((done) => w.once('message', done))));
  const times: number[] = [];
  for (let i = 0; i < steps + 3; i++) {
    const t0 = performance.now();
    const parts = await Promise.all(workers.map((w) => new Promise<Float32Array>((done) => (w.once('message', done), w.postMessage('step')))));
    const sum = parts[0]!;
    for (let j = 0; j < sum.length; j++) sum[j]! += parts[1]![j]!;
    if (i >= 3) times.push(performance.now() - t0);
  }
  await Promise.all(workers.map((w) => w.terminate()));
  row(`two worker sessions of 1 thread, ${c.batch / 2} rows each, results added`, times);
  return rows.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--job-child') return job(Number(args[1]), args[2] === 'ort' ? 'ort' : 'wasm');
  const cores = availableParallelism();
  if (args.includes('--job')) {
    const threadCounts = [1, ...(cores > 1 ? [cores] : [])];
    for (const backend of ['wasm', 'ort'] as const)
      console.log(`the README's job (examples/lenet-300-100.dnn, full MNIST), 2 epochs on ${backend}\n${jobRows(threadCounts, backend).join('\n')}`);
    return;
  }
  if (args.includes('--ort-threads')) {
    await selectBackend('wasm');
    console.log(await ortThreadRows());
    return;
  }
  if (args.includes('--conv')) {
    await selectBackend('wasm');
    console.log(await convFormulations());
    return;
  }
  if (args.includes('--profile')) {
    await selectBackend('wasm');
    console.log(await profileStep());
    return;
  }
  const only = args.filter((a) => !a.startsWith('--'));
  console.log(`node ${process.version}; ${cores} cores; ${TRAIN_SAMPLES} training samples per epoch; medians after 2 warm-up steps`);
  const rows: string[] = [];
  const notes: string[] = [];
  /** ms per step of each wasm row, by "net/threads", for the ratios. */
  const wasm = new Map<string, number>();
  const wasmCpu = new Map<string, number>();
  /** The same for the ort rows. */
  const ort = new Map<string, number>();
  for (const backend of BACKEND_ORDER.filter((b) => only.length === 0 || only.includes(b))) {
    let adapter: GpuAdapter | undefined;
    try {
      adapter = (await selectBackend(backend)).adapter;
    } catch (error) {
      console.log(`${backend}: skipped (${(error as Error).message.split(';')[0]})`);
      continue;
    }
    const label = backend === 'webgpu' ? webgpuLabel(adapter) : backend;
    for (const c of CASES) {
      const steps = adapter?.software ? c.softwareSteps : c.steps[backend];
      const refusal = backend === 'ort' ? ortRefusal(modelOf(c).model) : undefined;
      if (refusal) {
        rows.push(`| ${c.name} | ${label} | — | — | not trained: ${refusal} |`);
        continue;
      }
      if (!steps) {
        rows.push(`| ${c.name} | ${label} | — | — | not timed: one step takes over a minute on this backend |`);
        continue;
      }
      const ops = layerOpsFor(backend);
      const rebuilt = ops === REBUILT_OPS;
      const threaded = backend === 'wasm' || backend === 'ort';
      const threadCounts = threaded ? [1, ...(cores > 1 ? [cores] : [])] : [1];
      let ms = 0;
      for (const threads of threadCounts) {
        const timed =
          backend === 'wasm'
            ? await timeWasmSteps(c, steps, threads)
            : backend === 'ort'
              ? await timeOrtSteps(c, steps, threads)
              : { times: await timeSteps(c, steps, ops), cpu: [] };
        const times = timed.times;
        ms = median(times);
        // CPU time of the whole process (every thread): on a shared machine, less disturbed than wall time.
        const cpuNote = timed.cpu.length ? `, CPU ${median(timed.cpu).toFixed(1)} ms/step (all threads)` : '';
        if (backend === 'wasm') wasmCpu.set(`${c.name}/${threads}`, median(timed.cpu));
        if (backend === 'wasm') wasm.set(`${c.name}/${threads}`, ms);
        if (backend === 'ort') ort.set(`${c.name}/${threads}`, ms);
        const spread = `${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)}`;
        const where = threaded ? `${label} · ${threads} thread${threads === 1 ? '' : 's'}` : label;
        const gradients = backend === 'ort' ? ', one ONNX graph per step' : rebuilt ? ', rebuilt gradients' : ', built-in gradients';
        rows.push(
          `| ${c.name} | ${where} | ${ms.toFixed(1)} | ${((ms * TRAIN_SAMPLES) / c.batch / 1000).toFixed(1)} | ${steps} steps, spread ${spread} ms${cpuNote}${gradients} |`,
        );
        console.log(rows[rows.length - 1]);
      }
      if (backend === 'webgpu') {
        // Which gradients suit webgpu: the other implementation, timed the same way.
        const other = rebuilt ? BUILT_IN_OPS : REBUILT_OPS;
        const otherTimes = await timeSteps(c, steps, other);
        const otherMs = median(otherTimes);
        rows.push(
          `| ${c.name} | ${label} | ${otherMs.toFixed(1)} | ${((otherMs * TRAIN_SAMPLES) / c.batch / 1000).toFixed(1)} | ${steps} steps, spread ${Math.min(...otherTimes).toFixed(0)}–${Math.max(...otherTimes).toFixed(0)} ms, ${rebuilt ? 'built-in' : 'rebuilt'} gradients; ratio rebuilt / built-in ${((rebuilt ? ms : otherMs) / (rebuilt ? otherMs : ms)).toFixed(2)}× |`,
        );
        console.log(rows[rows.length - 1]);
        if (c.name === 'LeNet-300-100') for (const o of [BUILT_IN_OPS, REBUILT_OPS]) notes.push(await countKernels(c, o));
        if (c.name === 'LeNet-300-100') console.log(notes.slice(-2).join('\n'));
      }
    }
  }
  const peer = pytorch();
  if (typeof peer === 'string') console.log(peer);
  else
    for (const c of CASES)
      for (const threads of [1, 2]) {
        const ms = peer.ms.get(`${c.name}/${threads}`);
        if (ms !== undefined)
          rows.push(
            `| ${c.name} | PyTorch ${peer.version} · ${threads} thread${threads === 1 ? '' : 's'} | ${ms.toFixed(1)} | ${((ms * TRAIN_SAMPLES) / c.batch / 1000).toFixed(1)} | CPU ${peer.ms.get(`${c.name}/${threads}/cpu`)?.toFixed(1)} ms/step (all threads); OpenBLAS, malloc thresholds as in the shared note |`,
          );
      }
  console.log('\n| model | backend | ms/step | s/epoch | notes |\n|---|---|---|---|---|\n' + rows.join('\n'));
  if (notes.length) console.log('\n' + notes.join('\n'));
  if (typeof peer !== 'string' && wasm.size) {
    console.log('\nratios from this run (ms/step ÷ ms/step):');
    for (const c of CASES) {
      const one = wasm.get(`${c.name}/1`);
      const many = wasm.get(`${c.name}/${cores}`);
      const t1 = peer.ms.get(`${c.name}/1`);
      const t2 = peer.ms.get(`${c.name}/2`);
      const r = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : '—');
      console.log(
        `${c.name}: wasm 1 thread / PyTorch 1 thread ${r(one, t1)}; wasm ${cores} threads / PyTorch 2 threads ${r(many, t2)}; wasm ${cores} threads / wasm 1 thread ${r(many, one)}; ` +
          `in CPU time, wasm 1 thread / PyTorch 1 thread ${r(wasmCpu.get(`${c.name}/1`), peer.ms.get(`${c.name}/1/cpu`))}`,
      );
      const best = Math.min(t1 ?? Infinity, t2 ?? Infinity);
      if (ort.has(`${c.name}/1`))
        console.log(
          `${c.name}: ort 1 thread / PyTorch 1 thread ${r(ort.get(`${c.name}/1`), t1)}; ort ${cores} threads / PyTorch 2 threads ${r(ort.get(`${c.name}/${cores}`), t2)}; ` +
            `best ort / best PyTorch ${r(Math.min(ort.get(`${c.name}/1`)!, ort.get(`${c.name}/${cores}`) ?? Infinity), best)}; wasm 1 thread / ort 1 thread ${r(one, ort.get(`${c.name}/1`))}`,
        );
    }
  }
}

void main();
