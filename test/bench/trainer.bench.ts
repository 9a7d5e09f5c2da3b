// npm run bench:trainer — seconds per epoch of one DropNeuron training step (forward, loss with all
// penalties, backward, Adam), per available backend, for LeNet-300-100 (batch 256) and LeNet-5 (batch 64).
// Reported, never asserted. Timings use full-size random batches of MNIST's shape: the speed of a step
// does not depend on the pixel values.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { analyze } from '../../language/index.ts';
import { BACKEND_ORDER, type BackendName } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { Network } from '../../trainer/src/network.ts';
import { BUILT_IN_OPS, layerOpsFor, REBUILT_OPS, type LayerOps } from '../../trainer/src/ops.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { trainStep } from '../../trainer/src/step.ts';
import { median } from './measure.ts';

const TRAIN_SAMPLES = 60_000;
const examples = join(import.meta.dirname, '..', '..', 'examples');

interface Case {
  name: string;
  file: string;
  batch: number;
  /** Steps timed per backend (the cpu backend is slow: fewer steps). */
  steps: Partial<Record<BackendName, number>>;
}

const CASES: Case[] = [
  { name: 'LeNet-300-100', file: 'lenet-300-100.dnn', batch: 256, steps: { gpu: 50, node: 50, wasm: 30, cpu: 6 } },
  { name: 'LeNet-5', file: 'lenet-5.dnn', batch: 64, steps: { gpu: 30, node: 20, wasm: 8 } },
];

function timeSteps(c: Case, steps: number, ops: LayerOps): number[] {
  const model = analyze(readFileSync(join(examples, c.file), 'utf8'), { train: { batch: c.batch } }).model!;
  const rng = new Rng(1);
  const network = new Network(model, rng, ops);
  const optimizer = tf.train.adam(model.train.learningRate);
  const input = model.input!;
  const x = tf.randomUniform([c.batch, ...input]);
  const y = tf.tensor(
    Float32Array.from({ length: c.batch }, () => rng.int(10)),
    [c.batch, 1],
  );
  const times: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const t0 = performance.now();
    const parts = trainStep(network, optimizer, model.task, x, y, rng.seed());
    parts[0]!.dataSync(); // wait for the step to finish
    if (i >= 2) times.push(performance.now() - t0); // two warm-up steps
    tf.dispose(parts);
  }
  network.dispose();
  optimizer.dispose();
  tf.dispose([x, y]);
  return times;
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

async function main(): Promise<void> {
  console.log(`node ${process.version}; ${TRAIN_SAMPLES} training samples per epoch; medians after 2 warm-up steps`);
  const rows: string[] = [];
  let wasmLenet300: number | undefined;
  for (const backend of BACKEND_ORDER) {
    try {
      await selectBackend(backend);
    } catch (error) {
      console.log(`${backend}: skipped (${(error as Error).message.split(';')[0]})`);
      continue;
    }
    for (const c of CASES) {
      const steps = c.steps[backend];
      if (!steps) {
        rows.push(`| ${c.name} | ${backend} | — | — | not timed: one step takes over a minute on this backend |`);
        continue;
      }
      const ops = layerOpsFor(backend);
      const rebuilt = ops === REBUILT_OPS;
      const times = timeSteps(c, steps, ops);
      const ms = median(times);
      const perEpoch = (ms * TRAIN_SAMPLES) / c.batch / 1000;
      if (backend === 'wasm' && c.name === 'LeNet-300-100') wasmLenet300 = ms;
      const spread = `${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)}`;
      rows.push(
        `| ${c.name} | ${backend} | ${ms.toFixed(1)} | ${perEpoch.toFixed(1)} | ${steps} steps, spread ${spread} ms${rebuilt ? ', rebuilt gradients' : ''} |`,
      );
      console.log(rows[rows.length - 1]);
      if (backend === 'wasm') {
        const builtIn = c.name === 'LeNet-300-100' ? median(timeSteps(c, steps, BUILT_IN_OPS)) : undefined;
        if (builtIn)
          rows.push(
            `| ${c.name} | wasm, tfjs built-in gradients | ${builtIn.toFixed(1)} | ${((builtIn * TRAIN_SAMPLES) / c.batch / 1000).toFixed(1)} | ratio built-in / rebuilt ${(builtIn / ms).toFixed(2)}× |`,
          );
        if (builtIn) console.log(rows[rows.length - 1]);
      }
    }
  }
  console.log('\n| model | backend | ms/step | s/epoch | notes |\n|---|---|---|---|---|\n' + rows.join('\n'));
  const peer = pytorch();
  console.log(peer);
  const torchMs = /([\d.]+) ms\/step/.exec(peer)?.[1];
  if (torchMs && wasmLenet300) console.log(`ratio wasm / PyTorch (LeNet-300-100): ${(wasmLenet300 / Number(torchMs)).toFixed(1)}×`);
}

void main();
