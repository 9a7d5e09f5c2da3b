// npm run bench:layer-ops [-- --json | --no-time] — which layer ops webgpu should take
// (issue 31, the loose ends): each layer kind's op, forward + backward (the gradients a training step asks for: of
// the weight, and of the input unless it is the network's input), on the webgpu backend with REBUILT_OPS and with
// BUILT_IN_OPS (trainer/src/ops.ts), at LeNet-300-100's (batch 256) and LeNet-5's (batch 64) layer shapes. Per op:
// the compute dispatches (test/helpers/webgpuDispatches.ts), which do not depend on the hardware and set a small
// net's step time on a GPU (docs/benchmarks.md), and the ms on whatever adapter Dawn offers; on a software adapter
// (Mesa's lavapipe) those ms are CPU time, not a GPU figure. `--no-time`: the counts only.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../trainer/src/backend.ts';
import { BUILT_IN_OPS, CONV_ON_DATA_FORMULATIONS, layerOpsFor, REBUILT_OPS, type LayerOps } from '../../trainer/src/ops.ts';
import { countDispatches } from '../helpers/webgpuDispatches.ts';
import { median } from './measure.ts';

interface Case {
  kind: string;
  shape: string;
  /** The inputs whose gradients a step takes (the weight; the layer's input unless it is the network's). */
  differentiable: () => tf.Tensor[];
  /** Fixed inputs (the network's input, for a first layer). */
  fixed?: () => tf.Tensor[];
  /** The op on (fixed..., differentiable...). */
  op: (ops: LayerOps, ...xs: tf.Tensor[]) => tf.Tensor;
}

const u = (shape: number[]) => () => tf.randomUniform(shape, -1, 1);
const dense =
  (onData: boolean) =>
  (ops: LayerOps, x?: tf.Tensor, w?: tf.Tensor): tf.Tensor =>
    ops.matMul(x as tf.Tensor2D, w as tf.Tensor2D, onData);
const conv =
  (stride: number, padding: 'same' | 'valid', onData: boolean) =>
  (ops: LayerOps, x?: tf.Tensor, w?: tf.Tensor): tf.Tensor =>
    ops.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, padding, onData);
const pool =
  (k: number, stride: number, padding: 'same' | 'valid') =>
  (ops: LayerOps, x?: tf.Tensor): tf.Tensor =>
    ops.maxPool(x as tf.Tensor4D, [k, k], stride, padding);
const bias = (ops: LayerOps, h?: tf.Tensor, b?: tf.Tensor): tf.Tensor => ops.addBias(h!, b!);

const CASES: Case[] = [
  {
    kind: 'dense, network input',
    shape: 'LeNet-300-100 fc1 [256,784]·[784,300]',
    fixed: () => [u([256, 784])()],
    differentiable: () => [u([784, 300])()],
    op: dense(true),
  },
  { kind: 'dense', shape: 'LeNet-300-100 fc2 [256,300]·[300,100]', differentiable: () => [u([256, 300])(), u([300, 100])()], op: dense(false) },
  { kind: 'dense', shape: 'LeNet-300-100 out [256,100]·[100,10]', differentiable: () => [u([256, 100])(), u([100, 10])()], op: dense(false) },
  { kind: 'dense', shape: 'LeNet-5 fc1 [64,3136]·[3136,512]', differentiable: () => [u([64, 3136])(), u([3136, 512])()], op: dense(false) },
  { kind: 'dense', shape: 'LeNet-5 out [64,512]·[512,10]', differentiable: () => [u([64, 512])(), u([512, 10])()], op: dense(false) },
  {
    kind: 'conv SAME stride 1, network input',
    shape: 'LeNet-5 c1 [64,28,28,1] 5x5→32',
    fixed: () => [u([64, 28, 28, 1])()],
    differentiable: () => [u([5, 5, 1, 32])()],
    op: conv(1, 'same', true),
  },
  {
    kind: 'conv SAME stride 1',
    shape: 'LeNet-5 c2 [64,14,14,32] 5x5→64',
    differentiable: () => [u([64, 14, 14, 32])(), u([5, 5, 32, 64])()],
    op: conv(1, 'same', false),
  },
  {
    kind: 'conv VALID, network input',
    shape: 'LeNet-5-Caffe conv1 [64,28,28,1] 5x5→20',
    fixed: () => [u([64, 28, 28, 1])()],
    differentiable: () => [u([5, 5, 1, 20])()],
    op: conv(1, 'valid', true),
  },
  {
    kind: 'conv VALID',
    shape: 'LeNet-5-Caffe conv2 [64,12,12,20] 5x5→50',
    differentiable: () => [u([64, 12, 12, 20])(), u([5, 5, 20, 50])()],
    op: conv(1, 'valid', false),
  },
  {
    kind: 'conv SAME stride 2',
    shape: 'LeNet-5 c2 at stride 2 [64,14,14,32] 5x5→64',
    differentiable: () => [u([64, 14, 14, 32])(), u([5, 5, 32, 64])()],
    op: conv(2, 'same', false),
  },
  { kind: 'maxPool 2x2 tiling', shape: 'LeNet-5 p1 [64,28,28,32]', differentiable: () => [u([64, 28, 28, 32])()], op: pool(2, 2, 'same') },
  { kind: 'maxPool 2x2 tiling', shape: 'LeNet-5 p2 [64,14,14,64]', differentiable: () => [u([64, 14, 14, 64])()], op: pool(2, 2, 'same') },
  { kind: 'maxPool not tiling', shape: 'LeNet-5 p2 as 3x3 stride 2 [64,14,14,64]', differentiable: () => [u([64, 14, 14, 64])()], op: pool(3, 2, 'valid') },
  { kind: 'addBias', shape: 'LeNet-300-100 fc1 [256,300]+[300]', differentiable: () => [u([256, 300])(), u([300])()], op: bias },
  { kind: 'addBias', shape: 'LeNet-5 c1 [64,28,28,32]+[32]', differentiable: () => [u([64, 28, 28, 32])(), u([32])()], op: bias },
];

/** The rebuilt first conv as a convolution over the batch axis: REBUILT_OPS' im2col formulation writes its patches on the host. */
const REBUILT_AS_CONVOLUTION: LayerOps = {
  ...REBUILT_OPS,
  conv2d: (x, w, stride, padding, onData) =>
    onData && stride === 1 && padding === 'same' ? CONV_ON_DATA_FORMULATIONS.convolution(x, w) : REBUILT_OPS.conv2d(x, w, stride, padding, onData),
};

interface Measured {
  dispatches: number;
  programs: Record<string, number>;
  ms?: number;
  error?: string;
}

/** One forward + backward of `c` with `ops`: dispatches (after a warm-up that compiles the shaders) and median ms. */
async function measure(c: Case, ops: LayerOps, time: boolean, runs: number): Promise<Measured> {
  const fixed = c.fixed?.() ?? [];
  const xs = c.differentiable();
  const dy = tf.tidy(() => tf.onesLike(c.op(ops, ...fixed, ...xs)));
  const step = async (): Promise<void> => {
    const grads = tf.tidy(() => tf.grads((...d: tf.Tensor[]) => c.op(ops, ...fixed, ...d))(xs, dy));
    await Promise.all(grads.map((g) => g.data()));
    tf.dispose(grads.filter((g) => g !== dy)); // addBias' gradient of h is dy itself
  };
  try {
    await step();
    const counted = await countDispatches(step);
    const times: number[] = [];
    for (let i = 0; time && i < runs; i++) {
      const t0 = performance.now();
      await step();
      times.push(performance.now() - t0);
    }
    return {
      dispatches: counted.dispatches,
      programs: Object.fromEntries([...counted.byProgram].sort((a, b) => b[1] - a[1])),
      ...(time ? { ms: median(times) } : {}),
    };
  } catch (error) {
    return { dispatches: NaN, programs: {}, error: (error as Error).message.split('\n')[0]! };
  } finally {
    tf.dispose([...fixed, ...xs, dy]);
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const time = !process.argv.includes('--no-time');
  const { adapter } = await selectBackend('webgpu');
  if (!adapter) throw new Error('expected a WebGPU adapter, found none');
  const runs = adapter.software ? 3 : 20;
  const chosen = layerOpsFor('webgpu');
  if (!json)
    console.log(
      `adapter ${adapter.description || adapter.device} (vendor ${adapter.vendor}, architecture ${adapter.architecture}` +
        `${adapter.software ? ', a SOFTWARE adapter: its ms are CPU time, not a GPU figure' : ''}); ms: median of ${runs}`,
    );
  for (const c of CASES) {
    const built = await measure(c, BUILT_IN_OPS, time, runs);
    const rebuilt = await measure(c, REBUILT_OPS, time, runs);
    const asConvolution = c.fixed && c.kind.startsWith('conv SAME') ? await measure(c, REBUILT_AS_CONVOLUTION, time, runs) : undefined;
    const taken = chosen === BUILT_IN_OPS ? 'built-in' : chosen === REBUILT_OPS ? 'rebuilt' : 'webgpu table';
    const row = {
      kind: c.kind,
      shape: c.shape,
      adapter: adapter.description || adapter.device,
      software: adapter.software,
      builtIn: built,
      rebuilt,
      rebuiltAsConvolution: asConvolution,
      layerOpsFor: taken,
    };
    if (json) {
      console.log(JSON.stringify(row));
      continue;
    }
    const show = (label: string, m: Measured) =>
      m.error
        ? `${label}: fails (${m.error})`
        : `${label} ${m.dispatches}${m.ms === undefined ? '' : ` (${m.ms.toFixed(1)} ms)`} [${Object.entries(m.programs)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}]`;
    console.log(
      `${c.kind} — ${c.shape}\n  ${show('built-in', built)}\n  ${show('rebuilt', rebuilt)}${asConvolution ? `\n  ${show('rebuilt as a convolution', asConvolution)}` : ''}`,
    );
  }
}

void main();
