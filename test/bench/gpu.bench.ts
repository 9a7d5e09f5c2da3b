// npm run bench:gpu [-- --json] [-- --programs] — the one command to run on a machine with a GPU (docs/benchmarks.md):
// one DropNeuron training step (forward, loss with all penalties, backward, Adam) on the webgpu backend, on whatever
// adapter Dawn offers, for LeNet-300-100 (batch 256) and LeNet-5 (batch 64). Per model: the adapter (vendor,
// architecture, software or not), ms/step (median after warm-up), s/epoch (60 000 MNIST samples), and the compute
// dispatches one step records. Where they load, the same step on the `gpu` backend (tfjs-node-gpu) and in PyTorch
// CUDA (python3 with torch.cuda.is_available()), with the ratios. `--json`: one JSON object per model. `--programs`:
// the dispatches by program. `--unfused`: the step without the fused kernels of trainer/src/webgpu/ (tfjs' own ops, as
// before issue 31), for the before/after comparison on the same machine. A software adapter (Mesa's lavapipe runs on
// the CPU) times few steps and gives no GPU figure.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { analyze, type CheckedModel } from '../../language/index.ts';
import type { GpuAdapter } from '../../protocol/events.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { Network } from '../../trainer/src/network.ts';
import { layerOpsFor } from '../../trainer/src/ops.ts';
import { makeOptimizer } from '../../trainer/src/optimizer.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { stepLoss } from '../../trainer/src/step.ts';
import { FUSED } from '../../trainer/src/webgpu/fused.ts';
import { countDispatches } from '../helpers/webgpuDispatches.ts';
import { median } from './measure.ts';

const TRAIN_SAMPLES = 60_000;
const examples = join(import.meta.dirname, '..', '..', 'examples');

interface Case {
  name: string;
  file: string;
  batch: number;
  /** Timed steps on a GPU, and on a software adapter (a LeNet-5 step takes seconds on lavapipe). */
  steps: number;
  softwareSteps: number;
}

const CASES: Case[] = [
  { name: 'LeNet-300-100', file: 'lenet-300-100.dnn', batch: 256, steps: 50, softwareSteps: 5 },
  { name: 'LeNet-5', file: 'lenet-5.dnn', batch: 64, steps: 30, softwareSteps: 2 },
];

function modelOf(c: Case): CheckedModel {
  return analyze(readFileSync(join(examples, c.file), 'utf8'), { train: { batch: c.batch } }).model!;
}

/** The example's step on the current backend: a fresh network and Adam, a random batch of MNIST's shape. */
function setUp(c: Case, backend: 'webgpu' | 'gpu') {
  const model = modelOf(c);
  const rng = new Rng(1);
  const network = new Network(model, rng, layerOpsFor(backend));
  const optimizer = makeOptimizer(model);
  const x = tf.randomUniform([c.batch, ...model.input!]);
  const labels = tf.tensor1d(
    Array.from({ length: c.batch }, () => rng.int(10)),
    'int32',
  );
  const y = tf.oneHot(labels, 10);
  labels.dispose();
  return {
    step: async (): Promise<void> => {
      const parts = stepLoss(network, optimizer, model.task, x, y, { dropoutSeed: rng.seed() });
      await parts.data(); // waits for the step to finish (dataSync throws on webgpu)
      parts.dispose();
    },
    dispose: (): void => {
      network.dispose();
      optimizer.dispose();
      tf.dispose([x, y]);
    },
  };
}

/** ms of each of `steps` steps after `warmUp` more. */
async function timeSteps(step: () => Promise<void>, steps: number, warmUp = 2): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < steps + warmUp; i++) {
    const t0 = performance.now();
    await step();
    if (i >= warmUp) times.push(performance.now() - t0);
  }
  return times;
}

interface Row {
  model: string;
  /** Whether the step took the fused kernels (trainer/src/webgpu/); false under --unfused. */
  fused: boolean;
  batch: number;
  adapter: GpuAdapter;
  msPerStep: number;
  sPerEpoch: number;
  steps: number;
  dispatchesPerStep: number;
  programs: Record<string, number>;
  gpuBackendMsPerStep?: number | undefined;
  pytorchCudaMsPerStep?: number | undefined;
  /** Why a peer has no figure (not installed, no CUDA device). */
  notes?: string[];
}

const perEpoch = (ms: number, batch: number): number => (ms * TRAIN_SAMPLES) / batch / 1000;

/** The same nets, penalties (l1 + DropNeuron on every weight tensor) and Adam in PyTorch on CUDA: ms/step by net, or why not. */
function pytorchCuda(): Map<string, number> | string {
  const script = `
import sys, time, torch
import torch.nn.functional as F
if not torch.cuda.is_available(): print('no-cuda'); sys.exit(0)
dev = torch.device('cuda'); torch.manual_seed(0)
def dn(w):
    if w.dim() == 4:
        s = w.pow(2)
        return s.sum((0,2,3)).add(1e-12).sqrt().sum() + s.sum((1,2,3)).add(1e-12).sqrt().sum()
    return w.pow(2).sum(1).add(1e-12).sqrt().sum() + w.pow(2).sum(0).add(1e-12).sqrt().sum()
def net(name):
    if name == 'LeNet-300-100':
        W = [torch.randn(300,784)*0.01, torch.randn(100,300)*0.01, torch.randn(10,100)*0.01]
        x = torch.rand(256,784, device=dev); y = torch.randint(0,10,(256,), device=dev)
        def fwd(P):
            h = x
            for i in range(3):
                h = F.linear(h, P[2*i], P[2*i+1])
                if i < 2: h = torch.relu(h)
            return h
    else:
        W = [torch.randn(32,1,5,5)*0.01, torch.randn(64,32,5,5)*0.01, torch.randn(512,3136)*0.01, torch.randn(10,512)*0.01]
        x = torch.rand(64,1,28,28, device=dev); y = torch.randint(0,10,(64,), device=dev)
        def fwd(P):
            h = F.max_pool2d(torch.relu(F.conv2d(x, P[0], P[1], padding=2)), 2)
            h = F.max_pool2d(torch.relu(F.conv2d(h, P[2], P[3], padding=2)), 2)
            h = torch.relu(F.linear(h.flatten(1), P[4], P[5]))
            return F.linear(h, P[6], P[7])
    P = []
    for w in W: P += [w.to(dev).requires_grad_(), torch.zeros(w.shape[0], device=dev, requires_grad=True)]
    opt = torch.optim.Adam(P, 1e-3)
    def step():
        loss = F.cross_entropy(fwd(P), y)
        for w in P[0::2]: loss = loss + 5e-5*dn(w) + 1e-5*w.abs().sum()
        opt.zero_grad(); loss.backward(); opt.step(); loss.item()
    return step
for name, steps in (('LeNet-300-100', 100), ('LeNet-5', 50)):
    step = net(name)
    for _ in range(5): step()
    torch.cuda.synchronize(); ts = []
    for _ in range(steps):
        t = time.perf_counter(); step(); torch.cuda.synchronize(); ts.append((time.perf_counter()-t)*1000)
    ts.sort(); print(name, ts[len(ts)//2])`;
  const run = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return `PyTorch CUDA: not loaded (${run.error?.message ?? run.stderr.trim().split('\n').pop()})`;
  if (run.stdout.trim() === 'no-cuda') return 'PyTorch CUDA: python3 has torch but no CUDA device';
  const ms = new Map<string, number>();
  for (const line of run.stdout.trim().split('\n')) {
    const at = line.lastIndexOf(' ');
    ms.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return ms;
}

/** The same step on tfjs-node-gpu (the `gpu` backend, CUDA), where it loads: ms/step by net, or why not. */
async function tfjsNodeGpu(): Promise<Map<string, number> | string> {
  try {
    await selectBackend('gpu');
  } catch (error) {
    return `gpu backend (tfjs-node-gpu): not loaded (${(error as Error).message.split(';')[0]})`;
  }
  const ms = new Map<string, number>();
  for (const c of CASES) {
    const s = setUp(c, 'gpu');
    ms.set(c.name, median(await timeSteps(s.step, c.steps)));
    s.dispose();
  }
  return ms;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const showPrograms = process.argv.includes('--programs');
  FUSED.enabled = !process.argv.includes('--unfused');
  const say = (line: string): void => {
    if (!json) console.log(line);
  };
  const { adapter } = await selectBackend('webgpu');
  if (!adapter) throw new Error('expected a WebGPU adapter, found none');
  say(
    `node ${process.version}; adapter ${adapter.description || adapter.device} (vendor ${adapter.vendor}, architecture ${adapter.architecture}` +
      `${adapter.software ? ', a SOFTWARE adapter: runs on the CPU, not a GPU figure' : ''})`,
  );
  const rows: Row[] = [];
  for (const c of CASES) {
    const s = setUp(c, 'webgpu');
    await s.step(); // compiles every shader; the dispatches are the same on every step from here on
    const counted = await countDispatches(s.step);
    // On a software adapter the two steps above are the warm-up: a LeNet-5 step takes seconds there.
    const steps = adapter.software ? c.softwareSteps : c.steps;
    const ms = median(await timeSteps(s.step, steps, adapter.software ? 0 : 2));
    s.dispose();
    rows.push({
      model: c.name,
      fused: FUSED.enabled,
      batch: c.batch,
      adapter,
      msPerStep: ms,
      sPerEpoch: perEpoch(ms, c.batch),
      steps,
      dispatchesPerStep: counted.dispatches,
      programs: Object.fromEntries([...counted.byProgram].sort((a, b) => b[1] - a[1])),
    });
  }
  const torch = pytorchCuda();
  const node = await tfjsNodeGpu();
  const notes = [node, torch].filter((n): n is string => typeof n === 'string');
  for (const r of rows) {
    if (typeof node !== 'string') r.gpuBackendMsPerStep = node.get(r.model);
    if (typeof torch !== 'string') r.pytorchCudaMsPerStep = torch.get(r.model);
    if (notes.length) r.notes = notes;
  }
  if (json) {
    for (const r of rows) console.log(JSON.stringify(r));
    return;
  }
  for (const note of notes) say(note);
  for (const r of rows) {
    const ratio = (other: number | undefined, label: string) =>
      other === undefined ? '' : `; ${label} ${other.toFixed(2)} ms/step, webgpu/${label} ${(r.msPerStep / other).toFixed(2)}×`;
    say(
      `${r.model} (batch ${r.batch}${r.fused ? '' : ', unfused'}): ${r.msPerStep.toFixed(1)} ms/step (median of ${r.steps}), ${r.sPerEpoch.toFixed(1)} s/epoch, ${r.dispatchesPerStep} dispatches/step` +
        ratio(r.gpuBackendMsPerStep, 'tfjs-node-gpu') +
        ratio(r.pytorchCudaMsPerStep, 'PyTorch CUDA'),
    );
    if (showPrograms)
      say(
        `  by program: ${Object.entries(r.programs)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
      );
  }
}

void main();
