import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../../language/index.ts';
import './gradients.ts';
import { Scratch, tensorFromScratch, valuesOf } from './hostMemory.ts';
import { sumLeading } from './reduce.ts';

/**
 * The three layer ops whose gradients matter for speed. Two implementations exist: REBUILT_OPS, with
 * gradients rebuilt from plain forward ops, for the wasm and cpu backends, where tfjs' built-in gradients
 * are slow or missing (measured: docs/benchmarks.md):
 * - wasm matMul with transpose flags is ~12× slower than an explicit transpose + plain matMul;
 * - wasm has no Conv2DBackpropFilter kernel; its Conv2DBackpropInput and MaxPoolGrad are very slow;
 * - cpu Conv2DBackpropFilter takes over a minute for LeNet-5's second layer.
 * On the native TensorFlow backends and on webgpu BUILT_IN_OPS uses tfjs' own gradients as they are. Both compute the
 * same forward values. The choice is passed to each Network (see layerOpsFor), never set globally.
 * test/trainer/ops.test.ts checks every rebuilt gradient against tfjs' reference on the cpu backend.
 */
export interface LayerOps {
  /** x [batch, in] · w [in, out]; `onData`: x is the network's input, whose gradient nobody needs. */
  matMul(x: tf.Tensor2D, w: tf.Tensor2D, onData?: boolean): tf.Tensor2D;
  /** `onData`: x is the network's input, whose gradient nobody needs. */
  conv2d(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, padding: 'same' | 'valid', onData?: boolean): tf.Tensor4D;
  maxPool(x: tf.Tensor4D, window: [number, number], stride: number, padding: 'same' | 'valid'): tf.Tensor4D;
  /** h + b, b broadcast along h's last axis. */
  addBias(h: tf.Tensor, b: tf.Tensor): tf.Tensor;
}

/** tf.customGrad with the op's own parameter types (its declared signature takes a variadic union). */
function custom<T extends tf.Tensor>(f: (...args: never[]) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] }) {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => T;
}

/**
 * x·W with its gradients as plain matMuls of explicit transposes. `inputGradient` false for the network's
 * input: dx would cost a transpose of W and a product as big as the forward one (for LeNet-300-100's first
 * layer, 30 % of the step's FLOPs), and nobody reads it.
 */
/**
 * dy·Wᵀ for a dense layer. wasm's matMul packs its second operand on every call (it caches the packing by tensor,
 * and Wᵀ is a new tensor each step), so for a weight larger than the batch's rows it multiplies the other way
 * round, (W·dyᵀ)ᵀ, packing dyᵀ instead: LeNet-5's fc1 (3136×512, batch 64) packs 33 k values instead of 1.6 M.
 */
function inputGradientOf(dy: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const [inputs, outputs] = w.shape;
  const rows = dy.shape[0];
  if (inputs * outputs <= rows * (inputs + outputs)) return tf.matMul(dy, tf.transpose(w));
  return tf.transpose(tf.matMul(w, tf.transpose(dy))) as tf.Tensor2D;
}

function denseOpOf(inputGradient: boolean) {
  return custom((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, w]);
    return {
      value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dx = inputGradient ? inputGradientOf(dy as tf.Tensor2D, sw) : tf.zerosLike(sx);
        return [dx, tf.matMul(tf.transpose(sx), dy as tf.Tensor2D)];
      },
    };
  });
}
const denseOp = denseOpOf(true);
const denseOnData = denseOpOf(false);

/** Where the im2col kernel gradient applies: SAME, stride 1, an odd kernel (LeNet-5's and the convnet's first layer). */
function convPatchable(w: tf.Tensor4D, stride: number, padding: 'same' | 'valid'): boolean {
  const [kh, kw] = w.shape;
  return stride === 1 && padding === 'same' && kh % 2 === 1 && kw % 2 === 1;
}

/** One spatial axis of a convolution as TensorFlow pads it: the padding before and after, and the output's size. */
interface ConvAxis {
  before: number;
  after: number;
  out: number;
  /** Padded input rows past the last window (VALID with a stride that does not tile the input): no gradient. */
  unused: number;
}

function convAxis(size: number, kernel: number, stride: number, padding: 'same' | 'valid'): ConvAxis {
  const out = padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1;
  const total = padding === 'same' ? Math.max((out - 1) * stride + kernel - size, 0) : 0;
  const before = Math.floor(total / 2);
  return { before, after: total - before, out, unused: size + total - ((out - 1) * stride + kernel) };
}

/** dy with stride − 1 zeros between its rows and between its columns: a stride-1 view of a strided convolution's output. */
function dilate(dy: tf.Tensor4D, stride: number): tf.Tensor4D {
  if (stride === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = tf.pad(tf.reshape(dy, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, stride - 1],
    [0, 0],
    [0, stride - 1],
    [0, 0],
  ]);
  return tf.slice(tf.reshape(spread, [n, h * stride, w * stride, c]), [0, 0, 0, 0], [n, (h - 1) * stride + 1, (w - 1) * stride + 1, c]) as tf.Tensor4D;
}

/**
 * A convolution (any stride, SAME or VALID) whose gradients are stride-1 convolutions, which every backend runs
 * fast (wasm has no Conv2DBackpropFilter at all); `inputGradient` false for data inputs.
 */
function convOp(stride: number, padding: 'same' | 'valid', inputGradient: boolean) {
  return custom((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, w]);
    return {
      value: tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, padding) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [, h, wd] = sx.shape;
        const [kh, kw] = sw.shape;
        const rows = convAxis(h, kh, stride, padding);
        const cols = convAxis(wd, kw, stride, padding);
        const dyd = dilate(dy as tf.Tensor4D, stride);
        // dx: the full correlation of the dilated dy with the spatially flipped kernel, in/out channels swapped,
        // cropped to the input (the padding taken off, the unused rows given zero gradient). Nobody reads the
        // gradient of the input images, so the first layer skips it.
        const dx = inputGradient
          ? tf.conv2d(dyd, tf.transpose(tf.reverse(sw, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D, 1, [
              [0, 0],
              [kh - 1 - rows.before, kh - 1 - rows.after + rows.unused],
              [kw - 1 - cols.before, kw - 1 - cols.after + cols.unused],
              [0, 0],
            ])
          : tf.zerosLike(sx);
        // dw: a convolution over the batch axis: inputs as [cin, h, w, batch] without the rows no window reads (only
        // VALID leaves some, and pads nothing after), the dilated dy as a [h, w, batch, cout] filter.
        const trimRows = Math.max(rows.unused - rows.after, 0);
        const trimCols = Math.max(cols.unused - cols.after, 0);
        const xs = trimRows + trimCols > 0 ? tf.slice(sx, [0, 0, 0, 0], [-1, h - trimRows, wd - trimCols, -1]) : sx;
        const xt = tf.transpose(xs, [3, 1, 2, 0]) as tf.Tensor4D;
        const dyt = tf.transpose(dyd, [1, 2, 0, 3]) as tf.Tensor4D;
        const dwT = tf.conv2d(xt, dyt, 1, [
          [0, 0],
          [rows.before, Math.max(rows.after - rows.unused, 0)],
          [cols.before, Math.max(cols.after - cols.unused, 0)],
          [0, 0],
        ]);
        return [dx, tf.transpose(dwT, [1, 2, 0, 3])];
      },
    };
  });
}
const convOps = new Map<string, ReturnType<typeof convOp>>();

function rebuiltConvOp(stride: number, padding: 'same' | 'valid', inputGradient: boolean): ReturnType<typeof convOp> {
  const key = `${stride} ${padding} ${inputGradient}`;
  let op = convOps.get(key);
  if (!op) convOps.set(key, (op = convOp(stride, padding, inputGradient)));
  return op;
}

/**
 * The patches of a SAME, stride-1 kh×kw convolution's input written on the host, transposed: one column per output
 * pixel, one row per kernel value ([kh·kw·cin, n·h·w], rows in the kernel's [kh, kw, cin] order). The kernel
 * gradient is then one product, patches · dy.
 */
const patchScratch = new Scratch();
function patchesT(x: tf.Tensor4D, kh: number, kw: number): tf.Tensor2D {
  const [n, h, w, cin] = x.shape;
  const ph = (kh - 1) / 2;
  const pw = (kw - 1) / 2;
  const k = kh * kw * cin;
  const count = n * h * w;
  const xs = valuesOf(x); // a view, valid while no kernel runs: none does until the tensor is made
  const cols = patchScratch.take(count * k);
  for (let kk = 0, at = 0; kk < k; kk++) {
    const c = kk % cin;
    const dj = ((kk - c) / cin) % kw;
    const di = (kk - c - dj * cin) / (cin * kw);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < h; i++) {
        const ii = i + di - ph;
        const rowInside = ii >= 0 && ii < h;
        for (let j = 0; j < w; j++, at++) {
          const jj = j + dj - pw;
          cols[at] = rowInside && jj >= 0 && jj < w ? xs[((b * h + ii) * w + jj) * cin + c]! : 0;
        }
      }
    }
  }
  return tensorFromScratch(cols, [k, count]) as tf.Tensor2D;
}

/**
 * A SAME, stride-1 convolution of the network's input whose kernel gradient is one product of im2col patches with
 * dy. For a first layer with few input channels (LeNet-5's c1: 1 channel, 25 values a patch) the kernel gradient
 * as a convolution over the batch axis runs far below the convolution's usual rate (measured on wasm: 34 ms for
 * c1's against 5 ms for its forward pass); the patches and the product take half of that (`npm run bench:trainer --
 * --conv`). The forward
 * pass stays a convolution, so evaluation pays nothing for the patches.
 */
const convPatchesOnData = custom((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same') as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor4D, tf.Tensor4D];
      const [kh, kw, , cout] = sw.shape;
      const cols = patchesT(sx, kh, kw);
      const dw = tf.reshape(tf.matMul(cols, tf.reshape(dy, [cols.shape[1], cout])), sw.shape);
      return [tf.zerosLike(sx), dw];
    },
  };
});

/** The two formulations of a SAME, stride-1 convolution of the network's input, for the benchmark that picks between them. */
export const CONV_ON_DATA_FORMULATIONS = {
  convolution: (x: tf.Tensor4D, w: tf.Tensor4D) => rebuiltConvOp(1, 'same', false)(x, w) as tf.Tensor4D,
  patches: (x: tf.Tensor4D, w: tf.Tensor4D) => convPatchesOnData(x, w) as tf.Tensor4D,
};

/**
 * Patches of up to this many values go through convPatchesOnData (a first layer on images: 1–3 channels). With
 * many channels the patches outgrow the convolution's own work: LeNet-5's c2 (800 values a patch) measured 1.3×
 * slower as patches.
 */
const PATCH_VALUES_MAX = 64;

function rebuiltConv(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, padding: 'same' | 'valid', onData: boolean): tf.Tensor4D {
  const [kh, kw, cin] = w.shape;
  if (onData && convPatchable(w, stride, padding) && kh * kw * cin <= PATCH_VALUES_MAX) return convPatchesOnData(x, w) as tf.Tensor4D;
  return rebuiltConvOp(stride, padding, !onData)(x, w) as tf.Tensor4D;
}

/**
 * Nearest-neighbour upsampling by k in both directions (out[i] = in[floor(i / k)]). A reshape + tile
 * version measured 280 ms per LeNet-5 step on wasm; the resize kernel does the same in a few ms.
 */
function upsample(t: tf.Tensor4D, k: number): tf.Tensor4D {
  const [, h, w] = t.shape;
  return tf.image.resizeNearestNeighbor(t, [h * k, w * k], false, false);
}

/**
 * A k×k, stride-k max-pool whose gradient routes dy to the positions equal to their window's maximum (upsample,
 * compare, multiply). A host loop doing the same measured no faster on wasm (LeNet-5's first pool: 16.1 ms with
 * the forward pass, 14.7 ms without), so it stays three kernels that every backend runs.
 */
function maxPoolOp(k: number) {
  return custom((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.maxPool(x as tf.Tensor4D, k, k, 'valid');
    save([x, y]);
    return {
      value: y as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as [tf.Tensor4D, tf.Tensor4D];
        const mask = tf.cast(tf.equal(sx, upsample(sy, k)), 'float32');
        return [tf.mul(mask, upsample(dy as tf.Tensor4D, k))];
      },
    };
  });
}
const maxPoolOps = new Map<number, ReturnType<typeof maxPoolOp>>();

/** The rebuilt maxpool gradient covers windows equal to their stride that tile the input exactly (2x2 on 28 and 14). */
function poolRebuildable(x: tf.Tensor4D, window: [number, number], stride: number): boolean {
  const [, h, w] = x.shape;
  const k = window[0];
  return window[1] === k && stride === k && h % k === 0 && w % k === 0;
}

function rebuiltMaxPool(x: tf.Tensor4D, k: number): tf.Tensor4D {
  let op = maxPoolOps.get(k);
  if (!op) maxPoolOps.set(k, (op = maxPoolOp(k)));
  return op(x) as tf.Tensor4D;
}

/** h + b with the bias gradient as a product (sumLeading) instead of wasm's transposing Sum over leading axes. */
const biasOp = custom((h: tf.Tensor, b: tf.Tensor) => ({
  value: tf.add(h, b),
  gradFunc: (dy: tf.Tensor) => [dy, sumLeading(dy)],
}));

/** tfjs' ops with their built-in gradients: for the TensorFlow backends and webgpu (see layerOpsFor). */
export const BUILT_IN_OPS: LayerOps = {
  matMul: (x, w) => tf.matMul(x, w),
  conv2d: (x, w, stride, padding) => tf.conv2d(x, w, stride, padding),
  maxPool: (x, window, stride, padding) => tf.maxPool(x, window, stride, padding),
  addBias: (h, b) => tf.add(h, b),
};

/** The same forward values, with gradients rebuilt from forward ops where the shapes allow: for wasm and cpu. */
export const REBUILT_OPS: LayerOps = {
  matMul: (x, w, onData = false) => (onData ? denseOnData : denseOp)(x, w) as tf.Tensor2D,
  conv2d: (x, w, stride, padding, onData = false) => rebuiltConv(x, w, stride, padding, onData),
  maxPool: (x, window, stride, padding) => (poolRebuildable(x, window, stride) ? rebuiltMaxPool(x, window[0]) : tf.maxPool(x, window, stride, padding)),
  addBias: (h, b) => biasOp(h, b),
};

/**
 * The ops a backend trains with: rebuilt gradients on wasm and cpu, tfjs' own on the TensorFlow backends and on webgpu.
 * webgpu's choice, per layer kind, is by compute dispatches per forward + backward, which set a small net's step time
 * on a GPU and are the same on any adapter (test/bench/layerOps.bench.ts at LeNet-300-100's and LeNet-5's shapes,
 * docs/benchmarks.md "Which layer ops webgpu takes"): built-in against rebuilt, dense 2–3 against 4–6, conv 2–3
 * against 8–10, a tiling max-pool 3 against 5, addBias and other pools 3 and 3 (ties go to tfjs' op, tuned for GPUs).
 * No kind dispatches fewer rebuilt, so webgpu takes BUILT_IN_OPS whole; test/trainer/ops.test.ts re-counts per kind.
 * lavapipe's ms (a CPU running the shaders) were not used.
 */
export function layerOpsFor(backend: BackendName): LayerOps {
  // ort's tensors (evaluation, pruning, export) are wasm's: a re-pruned ort run evaluates as it trained.
  return backend === 'wasm' || backend === 'cpu' || backend === 'ort' ? REBUILT_OPS : BUILT_IN_OPS;
}
