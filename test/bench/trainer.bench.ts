// npm run bench:trainer [-- BACKEND…] — seconds per epoch of one DropNeuron training step (forward, loss with
// all penalties, backward, Adam), per available backend (or only those named), for LeNet-300-100 (batch 256)
// and LeNet-5 (batch 64). Reported, never asserted. Timings use full-size random batches of MNIST's shape: the
// speed of a step does not depend on the pixel values. On webgpu it times both gradient implementations (tfjs'
// built-in ones and the rebuilt ones of ops.ts) and counts the kernels one LeNet-300-100 step dispatches.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { analyze } from '../../language/index.ts';
import { BACKEND_ORDER, type BackendName } from '../../language/index.ts';
import type { GpuAdapter } from '../../protocol/events.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { Network } from '../../trainer/src/network.ts';
import { layerPenalties } from '../../trainer/src/penalties.ts';
import { BUILT_IN_OPS, layerOpsFor, REBUILT_OPS, type LayerOps } from '../../trainer/src/ops.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { lossParts, trainStep, LOSS_PARTS } from '../../trainer/src/step.ts';
import { median } from './measure.ts';

const TRAIN_SAMPLES = 60_000;
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
  { name: 'LeNet-300-100', file: 'lenet-300-100.dnn', batch: 256, steps: { gpu: 50, webgpu: 50, node: 50, wasm: 30, cpu: 6 }, softwareSteps: 10 },
  { name: 'LeNet-5', file: 'lenet-5.dnn', batch: 64, steps: { gpu: 30, webgpu: 30, node: 20, wasm: 8 }, softwareSteps: 3 },
];

/** One step's inputs: the example's model at the case's batch size, a fresh network and Adam, a random batch. */
function setUp(c: Case, ops: LayerOps) {
  const model = analyze(readFileSync(join(examples, c.file), 'utf8'), { train: { batch: c.batch } }).model!;
  const rng = new Rng(1);
  const network = new Network(model, rng, ops);
  const optimizer = tf.train.adam(model.train.learningRate);
  const x = tf.randomUniform([c.batch, ...model.input!]);
  const y = tf.tensor(
    Float32Array.from({ length: c.batch }, () => rng.int(10)),
    [c.batch, 1],
  );
  const step = async (): Promise<void> => {
    const parts = trainStep(network, optimizer, model.task, x, y, rng.seed());
    await parts[0]!.data(); // waits for the step to finish (dataSync would throw on webgpu)
    tf.dispose(parts);
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
 * What one training step costs in kernels on webgpu: the kernels tfjs' engine runs (tf.profile: Reshape and
 * Identity among them, which dispatch nothing) and the compute shaders the backend dispatches, split into the
 * forward pass with the loss and its penalties, the backward pass, and Adam's update. For small nets a GPU's
 * time goes into dispatches (each a few µs of launch and synchronisation), not FLOPs: this count is what a
 * fused kernel would reduce. Wraps the backend's recordAndSubmit, an internal of tfjs-backend-webgpu 4.22.
 */
async function countKernels(c: Case, ops: LayerOps): Promise<string> {
  const backend = tf.backend() as unknown as { recordAndSubmit: (program: object, ...rest: unknown[]) => unknown };
  const record = backend.recordAndSubmit;
  let dispatches = 0;
  const byProgram = new Map<string, number>();
  backend.recordAndSubmit = function (this: unknown, program: object, ...rest: unknown[]) {
    dispatches++;
    byProgram.set(program.constructor.name, (byProgram.get(program.constructor.name) ?? 0) + 1);
    return record.call(this, program, ...rest);
  };
  const s = setUp(c, ops);
  try {
    await s.step(); // compiles every shader; counts are the same from here on
    await s.step();
    const total = (): tf.Scalar => {
      const parts = lossParts(s.network, s.model.task, s.x, s.y, s.rng.seed());
      return tf.addN(LOSS_PARTS.map((k) => parts[k])) as tf.Scalar;
    };
    const counted = async (f: () => Promise<void>): Promise<number> => {
      dispatches = 0;
      byProgram.clear();
      await f();
      return dispatches;
    };
    const forward = await counted(async () => {
      const loss = tf.tidy(() => total());
      await loss.data();
      loss.dispose();
    });
    const penalties = await counted(async () => {
      const sum = tf.tidy(() => {
        const terms = s.network.params.flatMap((p) => Object.values(layerPenalties(p.w, p.b, p.layer.reg)));
        return tf.addN(terms);
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
    backend.recordAndSubmit = record;
  }
}

function pytorch(): string {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'PyTorch: not installed for /usr/bin/python3 (apt-get install python3-torch libopenblas0-pthread), peer skipped';
  const script = `
import time, torch
torch.manual_seed(0); torch.set_num_threads(1)
W=[torch.randn(784,300,requires_grad=True),torch.randn(300,100,requires_grad=True),torch.randn(100,10,requires_grad=True)]
B=[torch.zeros(300,requires_grad=True),torch.zeros(100,requires_grad=True),torch.zeros(10,requires_grad=True)]
opt=torch.optim.Adam(W+B,1e-3); x=torch.rand(256,784); y=torch.randint(0,10,(256,))
def step():
    h=x
    for i,(w,b) in enumerate(zip(W,B)):
        h=h@w+b
        if i<2: h=torch.nn.functional.dropout(torch.relu(h),0.5)
    loss=torch.nn.functional.cross_entropy(h,y)
    for w in W: loss=loss+5e-5*(w.pow(2).sum(1).add(1e-12).sqrt().sum()+w.pow(2).sum(0).add(1e-12).sqrt().sum())+1e-5*w.abs().sum()
    opt.zero_grad(); loss.backward(); opt.step()
for _ in range(3): step()
ts=[]
for _ in range(30):
    t=time.perf_counter(); step(); ts.append((time.perf_counter()-t)*1000)
ts.sort(); print(ts[15])`;
  const run = spawnSync('/usr/bin/python3', ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '2000000000', MALLOC_TRIM_THRESHOLD_: '2000000000' },
  });
  if (run.status !== 0) return `PyTorch: failed (${run.stderr.trim().split('\n').pop()})`;
  return `PyTorch ${probe.stdout.trim()} (1 thread) LeNet-300-100: ${Number(run.stdout).toFixed(1)} ms/step`;
}

/** The webgpu rows' backend label: the adapter, and a warning where it is a software one. */
function webgpuLabel(adapter: GpuAdapter | undefined): string {
  const name = adapter?.description || [adapter?.vendor, adapter?.device].filter(Boolean).join(' ') || 'unknown adapter';
  return `webgpu (${name}${adapter?.software ? '; software adapter: not a speed figure' : ''})`;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  console.log(`node ${process.version}; ${TRAIN_SAMPLES} training samples per epoch; medians after 2 warm-up steps`);
  const rows: string[] = [];
  const notes: string[] = [];
  let wasmLenet300: number | undefined;
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
      if (!steps) {
        rows.push(`| ${c.name} | ${label} | — | — | not timed: one step takes over a minute on this backend |`);
        continue;
      }
      const ops = layerOpsFor(backend);
      const rebuilt = ops === REBUILT_OPS;
      const times = await timeSteps(c, steps, ops);
      const ms = median(times);
      const perEpoch = (ms * TRAIN_SAMPLES) / c.batch / 1000;
      if (backend === 'wasm' && c.name === 'LeNet-300-100') wasmLenet300 = ms;
      const spread = `${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)}`;
      rows.push(
        `| ${c.name} | ${label} | ${ms.toFixed(1)} | ${perEpoch.toFixed(1)} | ${steps} steps, spread ${spread} ms${rebuilt ? ', rebuilt gradients' : ', built-in gradients'} |`,
      );
      console.log(rows[rows.length - 1]);
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
      if (backend === 'wasm') {
        const builtIn = c.name === 'LeNet-300-100' ? median(await timeSteps(c, steps, BUILT_IN_OPS)) : undefined;
        if (builtIn)
          rows.push(
            `| ${c.name} | wasm, tfjs built-in gradients | ${builtIn.toFixed(1)} | ${((builtIn * TRAIN_SAMPLES) / c.batch / 1000).toFixed(1)} | ratio built-in / rebuilt ${(builtIn / ms).toFixed(2)}× |`,
          );
        if (builtIn) console.log(rows[rows.length - 1]);
      }
    }
  }
  console.log('\n| model | backend | ms/step | s/epoch | notes |\n|---|---|---|---|---|\n' + rows.join('\n'));
  if (notes.length) console.log('\n' + notes.join('\n'));
  const peer = pytorch();
  console.log(peer);
  const torchMs = /([\d.]+) ms\/step/.exec(peer)?.[1];
  if (torchMs && wasmLenet300) console.log(`ratio wasm / PyTorch (LeNet-300-100): ${(wasmLenet300 / Number(torchMs)).toFixed(1)}×`);
}

void main();
