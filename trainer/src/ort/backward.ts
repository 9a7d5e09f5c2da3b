import type { CheckedLayer } from '../../../language/index.ts';
import { channelAxis, type Saved } from './forward.ts';
import { int, intList, type GraphBuilder } from './graph.ts';

/** A weighted layer's data gradients: W's in the trainer's layout (dense [in, out], conv [kh, kw, in, out]), plus the `plusW` asked for, and b's. */
export interface DataGradient {
  k: number;
  w: string;
  b: string;
}

/**
 * One forward step (forward.ts Saved) backwards: from dL/d(its output), dL/d(its input) where `input` asks for it
 * (some earlier layer has weights) and, for a weighted layer, its W and b gradients (W's with `plusW` added: the penalties' part). The formulas are the trainer's
 * gradients (ops.ts, tfjs' own where ops.ts defers to them): dense as products, conv's input gradient as
 * ConvTranspose and its kernel gradient as a Conv over the batch axis, max-pool through an equality mask (ops.ts
 * maxPoolOp) or MaxPool's indices, avg-pool as tfjs' (each window's gradient spread evenly over its kh·kw cells).
 */
export function backwardStep(g: GraphBuilder, step: Saved, grad: string, input: boolean, plusW?: string): { grad?: string; weights?: DataGradient } {
  switch (step.kind) {
    case 'drop':
      return { grad: g.mul(grad, step.mask) };
    case 'flatten': {
      // Rows of NHWC features back to NCHW.
      const [c, h, w] = step.shape;
      return { grad: g.op('Transpose', [g.op('Reshape', [grad, g.ints([-1, h, w, c])])], [intList('perm', [0, 3, 1, 2])]) };
    }
    case 'dense': {
      const dz = activationGradient(g, step.layer, grad, step.z, step.a);
      // Gemm's C (β = 1) adds `plusW` as the product is written: one pass over W fewer than an Add after it.
      const weights = { k: step.k, w: g.op('Gemm', [step.input, dz, ...(plusW ? [plusW] : [])], [int('transA', 1)]), b: g.sum(dz, [0]) };
      return { weights, ...(input ? { grad: g.op('Gemm', [dz, `w${step.k}`], [int('transB', 1)]) } : {}) };
    }
    case 'conv': {
      const dz = activationGradient(g, step.layer, grad, step.z, step.a);
      const dw = kernelGradient(g, step, dz);
      const weights = { k: step.k, w: plusW ? g.add(dw, plusW) : dw, b: g.sum(dz, [0, 2, 3]) };
      return { weights, ...(input ? { grad: inputGradient(g, step, dz) } : {}) };
    }
    case 'maxpool':
      return { grad: step.indices ? scatterGradient(g, step, grad, step.indices) : maskGradient(g, step, grad) };
    case 'avgpool':
      return { grad: avgPoolGradient(g, step, grad) };
  }
}

type ConvStep = Extract<Saved, { kind: 'conv' }>;
type PoolStep = Extract<Saved, { kind: 'maxpool' | 'avgpool' }>;

/** ConvTranspose's output_padding that gives back the input's size: what a stride skipped at the end. */
function outputPadding(size: number, out: number, k: number, stride: number, before: number, after: number): number {
  return size - (stride * (out - 1) + k - before - after);
}

/** dL/dx of a convolution: dz through ConvTranspose with the same kernel ([out, in, kh, kw] is ConvTranspose's [in, out, kh, kw]), strides and pads. */
function inputGradient(g: GraphBuilder, step: ConvStep, dz: string): string {
  const [kh, kw] = step.layer.weightShape as [number, number];
  const [, h, w] = step.inShape;
  const [, oh, ow] = step.outShape;
  const [top, left, bottom, right] = step.pads as [number, number, number, number];
  return g.op(
    'ConvTranspose',
    [dz, step.kernel],
    [
      intList('kernel_shape', [kh, kw]),
      intList('strides', [step.stride, step.stride]),
      intList('pads', step.pads),
      intList('output_padding', [outputPadding(h, oh, kh, step.stride, top, bottom), outputPadding(w, ow, kw, step.stride, left, right)]),
    ],
  );
}

/**
 * dL/dW of a convolution in the trainer's layout [kh, kw, in, out]: Σ over the batch and the output pixels of dz · the
 * input patch, as one Conv whose "batch" is the input's channels and whose "channels" are the batch ([in, n, h, w]
 * convolved with dz as [out, n, oh, ow], dilated by the stride): [in, out, kh', kw'], cut to the kernel where the
 * stride left rows unread at the end, then transposed. (As one product of im2col patches built by 25 Slices and a
 * Concat it measured the same on LeNet-5's c2: the copies cost what the product saves.)
 */
function kernelGradient(g: GraphBuilder, step: ConvStep, dz: string): string {
  const [kh, kw] = step.layer.weightShape as [number, number];
  const [, h, w] = step.inShape;
  const [, oh, ow] = step.outShape;
  const [top, left, bottom, right] = step.pads as [number, number, number, number];
  const swap = [intList('perm', [1, 0, 2, 3])];
  let full = g.op(
    'Conv',
    [g.op('Transpose', [step.input], swap), g.op('Transpose', [dz], swap)],
    [intList('kernel_shape', [oh, ow]), intList('dilations', [step.stride, step.stride]), intList('pads', step.pads)],
  );
  const fh = h + top + bottom - (oh - 1) * step.stride;
  const fw = w + left + right - (ow - 1) * step.stride;
  if (fh !== kh || fw !== kw) full = g.op('Slice', [full, g.ints([0, 0]), g.ints([kh, kw]), g.ints([2, 3])]);
  return g.op('Transpose', [full], [intList('perm', [2, 3, 0, 1])]);
}

/**
 * A tiling max-pool's gradient as ops.ts' maxPoolOp computes it: dy to every position equal to its window's maximum
 * (ties included), the output and dy upsampled by nearest-neighbour Resize (a 4-D broadcast of [n, c, h/k, 1, w/k, 1]
 * against [n, c, h/k, k, w/k, k] measured 4× slower in onnxruntime, and MaxPool's indices output 8× slower than MaxPool).
 */
function maskGradient(g: GraphBuilder, step: PoolStep, dy: string): string {
  const k = step.kernel[0];
  const up = (t: string) =>
    g.op(
      'Resize',
      [t, '', g.floats([1, 1, k, k])],
      [g.str('mode', 'nearest'), g.str('coordinate_transformation_mode', 'asymmetric'), g.str('nearest_mode', 'floor')],
    );
  return g.op('Where', [g.op('Equal', [step.input, up(step.output)]), up(dy), g.scalar(0)]);
}

/** Any other max-pool's gradient as tfjs' maxPoolGrad: dy to its window's first maximum (MaxPool's indices, flat over the batch), added where windows overlap. */
function scatterGradient(g: GraphBuilder, step: PoolStep, dy: string, indices: string): string {
  const [c, h, w] = step.inShape;
  const flat = g.ints([-1]);
  const zeros = g.op('ConstantOfShape', [g.op('Reshape', [g.op('Size', [step.input]), g.ints([1])])]);
  const scattered = g.op(
    'ScatterElements',
    [zeros, g.op('Reshape', [indices, flat]), g.op('Reshape', [dy, flat])],
    [int('axis', 0), { name: 'reduction', type: 3 /* STRING */, s: Buffer.from('add') }],
  );
  return g.op('Reshape', [scattered, g.ints([-1, c, h, w])]);
}

/**
 * An avg-pool's gradient as tfjs' avgPoolGrad: each window's dy / (kh·kw) added to each of its cells (padding
 * cells included in the count, as tfjs' gradient takes it): a ConvTranspose of dy, one channel at a time, with a
 * kernel of 1 / (kh·kw).
 */
function avgPoolGradient(g: GraphBuilder, step: PoolStep, dy: string): string {
  const [c, h, w] = step.inShape;
  const [, oh, ow] = step.outShape;
  const [kh, kw] = step.kernel;
  const [top, left, bottom, right] = step.pads as [number, number, number, number];
  const kernel = g.op('Expand', [g.scalar(1 / (kh * kw)), g.ints([c, 1, kh, kw])]);
  return g.op(
    'ConvTranspose',
    [dy, kernel],
    [
      int('group', c),
      intList('kernel_shape', [kh, kw]),
      intList('strides', [step.stride, step.stride]),
      intList('pads', step.pads),
      intList('output_padding', [outputPadding(h, oh, kh, step.stride, top, bottom), outputPadding(w, ow, kw, step.stride, left, right)]),
    ],
  );
}

/** dL/dz from dL/da, as tfjs' gradient of each activation computes it (a: the activation's output). */
export function activationGradient(g: GraphBuilder, layer: CheckedLayer, da: string, z: string, a: string): string {
  // Made where used: an initializer no node reads is a warning on stderr when the session loads.
  const one = () => g.scalar(1);
  switch (layer.activation) {
    case 'linear':
      return da;
    case 'relu':
      return g.op('Where', [g.op('Greater', [z, g.scalar(0)]), da, g.scalar(0)]);
    case 'tanh':
      return g.mul(g.sub(one(), g.mul(a, a)), da);
    case 'sigmoid':
      return g.mul(da, g.mul(a, g.sub(one(), a)));
    case 'softmax': {
      const dyTimesY = g.mul(da, a);
      return g.sub(dyTimesY, g.mul(g.sum(dyTimesY, [channelAxis(layer)], true), a));
    }
    case 'elu':
      return g.op('Where', [g.op('GreaterOrEqual', [a, g.scalar(0)]), da, g.mul(da, g.add(a, one()))]);
    case 'softplus':
      return g.mul(da, g.op('Sigmoid', [z]));
  }
}
