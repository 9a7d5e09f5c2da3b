import type { CheckedLayer, CheckedModel } from '../../../language/index.ts';
import { padsOf } from '../export/plan.ts';
import { int, intList, type GraphBuilder } from './graph.ts';

/** One sample's shape inside the graph: [features] after a dense layer, [channels, height, width] (NCHW) in a conv stack. */
export type SampleShape = [number] | [number, number, number];

/** ONNX's pads of a window over an NCHW sample: [top, left, bottom, right], TensorFlow's `same` or `valid` (plan.ts padsOf). */
function windowPads(shape: SampleShape, kernel: readonly [number, number], stride: number, padding: 'same' | 'valid'): number[] {
  const p = padsOf([shape[1]!, shape[2]!], kernel, stride, padding);
  return [p.top, p.left, p.bottom, p.right];
}

/** What the backward pass needs of a forward step, in the forward's order. */
export type Saved =
  | { kind: 'dense'; k: number; input: string; z: string; a: string; layer: CheckedLayer }
  | {
      kind: 'conv';
      k: number;
      /** The layer's input (NCHW), its kernel as Conv takes it ([out, in, kh, kw]), z and a (NCHW). */
      input: string;
      kernel: string;
      z: string;
      a: string;
      layer: CheckedLayer;
      inShape: [number, number, number];
      outShape: [number, number, number];
      pads: number[];
      stride: number;
    }
  | {
      kind: 'maxpool' | 'avgpool';
      input: string;
      output: string;
      /** MaxPool's indices output, where the gradient scatters (windows that do not tile their input). */
      indices?: string;
      inShape: [number, number, number];
      outShape: [number, number, number];
      kernel: [number, number];
      stride: number;
      pads: number[];
    }
  | { kind: 'flatten'; shape: [number, number, number] }
  | { kind: 'drop'; mask: string };

export interface Forward {
  output: string;
  /** The output's per-sample width. */
  width: number;
  saved: Saved[];
  /** The weighted layers, in order: W is graph input `w<k>` and b `b<k>` in the trainer's layout (dense [in, out], conv [kh, kw, in, out]). */
  weighted: CheckedLayer[];
}

/**
 * Whether a max-pool's gradient is the trainer's equality mask (ops.ts maxPoolOp: every position equal to its window's
 * maximum takes the gradient, ties included): square windows as wide as their stride that tile the input. Other
 * windows follow tfjs' own maxPool gradient, which routes to the window's first maximum, as MaxPool's indices do.
 */
export function poolTiles(shape: SampleShape, kernel: readonly [number, number], stride: number): boolean {
  const k = kernel[0];
  return kernel[1] === k && stride === k && shape[1]! % k === 0 && shape[2]! % k === 0;
}

/**
 * The forward pass of network.ts' forwardPass as graph ops on input `x` [batch, features] (an image's features in
 * NHWC order, as the trainer stores them): a conv stack runs in NCHW (ONNX's Conv), its input transposed once at the
 * start and its features back to NHWC order at the flatten, so that dense weights and dropout masks are the trainer's.
 * `drop`: the mask input for a dropout site of `width` values a row (NHWC order), or undefined where dropout is off.
 * `training`: keep what the backward pass needs (MaxPool's indices).
 */
export function forwardGraph(
  g: GraphBuilder,
  model: CheckedModel,
  x: string,
  drop?: (width: number, keep: number) => string | undefined,
  training = false,
): Forward {
  const saved: Saved[] = [];
  const weighted: CheckedLayer[] = [];
  const input = model.input ?? [];
  let shape: SampleShape = input.length === 3 ? [input[2]!, input[0]!, input[1]!] : [input.reduce((a, b) => a * b, 1)];
  let h = shape.length === 3 ? g.op('Transpose', [g.op('Reshape', [x, g.ints([-1, ...input])])], [intList('perm', [0, 3, 1, 2])]) : x;
  const width = () => shape.reduce((a, b) => a * b, 1);
  const dropout = (keep: number) => {
    const mask = keep < 1 ? drop?.(width(), keep) : undefined;
    if (!mask) return;
    // The mask's values are in NHWC order (dropout.ts hashes each position of the trainer's tensor).
    const m =
      shape.length === 3 ? g.op('Transpose', [g.op('Reshape', [mask, g.ints([-1, shape[1], shape[2], shape[0]])])], [intList('perm', [0, 3, 1, 2])]) : mask;
    saved.push({ kind: 'drop', mask: m });
    h = g.mul(h, m);
  };
  for (const layer of model.layers) {
    switch (layer.kind) {
      case 'dense': {
        const [inputs, units] = layer.weightShape as [number, number];
        const k = weighted.push(layer) - 1;
        const w = g.input(`w${k}`, [inputs, units]);
        const b = g.input(`b${k}`, [units]);
        const z = g.add(g.op('MatMul', [h, w]), b);
        const a = activation(g, layer, z);
        saved.push({ kind: 'dense', k, input: h, z, a, layer });
        h = a;
        shape = [units];
        dropout(layer.reg.keepProb);
        break;
      }
      case 'conv': {
        const [kh, kw, cin, cout] = layer.weightShape as [number, number, number, number];
        const k = weighted.push(layer) - 1;
        const stride = layer.stride ?? 1;
        const inShape = shape as [number, number, number];
        const pads = windowPads(shape, [kh, kw], stride, layer.padding ?? 'same');
        const outShape: [number, number, number] = [cout, ...(layer.outputShape!.slice(0, 2) as [number, number])];
        // The trainer's kernel [kh, kw, in, out] as Conv's [out, in, kh, kw]: a small transpose per run, so that the state stays in the trainer's layout.
        const kernel = g.op('Transpose', [g.input(`w${k}`, [kh, kw, cin, cout])], [intList('perm', [3, 2, 0, 1])]);
        const z = g.op(
          'Conv',
          [h, kernel, g.input(`b${k}`, [cout])],
          [intList('kernel_shape', [kh, kw]), intList('strides', [stride, stride]), intList('pads', pads)],
        );
        const a = activation(g, layer, z);
        saved.push({ kind: 'conv', k, input: h, kernel, z, a, layer, inShape, outShape, pads, stride });
        h = a;
        shape = outShape;
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const kernel = layer.kernel!;
        const stride = layer.stride ?? kernel[0];
        const inShape = shape as [number, number, number];
        const pads = windowPads(shape, kernel, stride, layer.padding ?? 'same');
        const outShape: [number, number, number] = [inShape[0], ...(layer.outputShape!.slice(0, 2) as [number, number])];
        const attributes = [intList('kernel_shape', kernel), intList('strides', [stride, stride]), intList('pads', pads)];
        const input = h;
        let indices: string | undefined;
        if (layer.kind === 'avgpool') h = g.op('AveragePool', [h], attributes);
        else if (training && !poolTiles(shape, kernel, stride)) {
          [h, indices] = g.ops('MaxPool', [h], attributes, 2);
        } else h = g.op('MaxPool', [h], attributes);
        saved.push({ kind: layer.kind, input, output: h, ...(indices ? { indices } : {}), inShape, outShape, kernel, stride, pads });
        shape = outShape;
        break;
      }
      case 'flatten':
        if (shape.length === 3) {
          saved.push({ kind: 'flatten', shape });
          h = g.op('Reshape', [g.op('Transpose', [h], [intList('perm', [0, 2, 3, 1])]), g.ints([-1, width()])]);
          shape = [width()];
        }
        break;
      case 'dropout':
        dropout(layer.reg.keepProb);
        break;
      case 'lrn':
        throw new Error(`expected layers the ort graph covers, found \`${layer.kind}\` (${layer.name})`);
    }
  }
  if (shape.length === 3) {
    // A conv stack's output (an autoencoder's) as rows of NHWC values, as the trainer's targets are.
    saved.push({ kind: 'flatten', shape });
    h = g.op('Reshape', [g.op('Transpose', [h], [intList('perm', [0, 2, 3, 1])]), g.ints([-1, width()])]);
  }
  return { output: h, width: width(), saved, weighted };
}

/** The axis of a layer's values that softmax normalises: the trainer's last (NHWC's channels), NCHW's 1 in a conv layer. */
export function channelAxis(layer: CheckedLayer): number {
  return layer.kind === 'conv' ? 1 : -1;
}

/** The layer's activation of `z`, as network.ts' activate. */
export function activation(g: GraphBuilder, layer: CheckedLayer, z: string): string {
  switch (layer.activation) {
    case 'linear':
      return z;
    case 'relu':
      return g.op('Relu', [z]);
    case 'tanh':
      return g.op('Tanh', [z]);
    case 'sigmoid':
      return g.op('Sigmoid', [z]);
    case 'softmax':
      return g.op('Softmax', [z], [int('axis', channelAxis(layer))]);
    case 'elu':
      return g.op('Elu', [z]);
    case 'softplus':
      return g.op('Softplus', [z]);
  }
}
