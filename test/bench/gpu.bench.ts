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
  const run = spawnSync('python3', [join(import.meta.dirname, 'pytorch-peer.py'), 'cuda', '1'], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return `PyTorch CUDA: not loaded (${run.error?.message ?? run.stderr.trim().split('\n').pop()})`;
  if (run.stdout.trim() === 'no-cuda') return 'PyTorch CUDA: python3 has torch but no CUDA device';
  const ms = new Map<string, number>();
  for (const line of run.stdout.trim().split('\n')) {
    const [net, wall] = line.split(' ');
    ms.set(net!, Number(wall));
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
