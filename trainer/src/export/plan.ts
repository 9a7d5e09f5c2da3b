import type { Activation, CheckedModel } from '../../../language/index.ts';
import { ExportError } from './errors.ts';
import type { LayerWeights } from '../layerWeights.ts';

/** Zero padding per side, in pixels: TensorFlow's `same` puts the odd pixel after (bottom, right). */
export interface Pads {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * One inference step in the layout ONNX and PyTorch share: activations NCHW, dense weights [out, in], conv
 * weights [out, in, kh, kw]. `onnx.ts` and `pytorch.ts` both read a plan, so the two formats cannot disagree
 * on an order or a padding.
 */
export type Step =
  | { op: 'gather'; indices: number[] }
  | { op: 'dense'; name: string; weight: Float32Array; bias: Float32Array; inputs: number; units: number }
  | {
      op: 'conv';
      name: string;
      weight: Float32Array;
      bias: Float32Array;
      channels: number;
      filters: number;
      kernel: [number, number];
      stride: number;
      pads: Pads;
    }
  | { op: 'maxpool'; name: string; kernel: [number, number]; stride: number; pads: Pads }
  | { op: 'flatten' }
  | { op: 'activation'; fn: Exclude<Activation, 'linear'> };

export interface Plan {
  /** One sample's shape as the exported model reads it: [features] (every feature, the gather is a step), or [channels, height, width]. */
  input: number[];
  /** Values per output row. */
  outputs: number;
  steps: Step[];
}

/** The layer kinds the ONNX and PyTorch export covers; the message of an uncovered architecture names them. */
export const EXPORTED_KINDS = ['dense', 'conv', 'maxpool', 'flatten', 'dropout'] as const;

/**
 * The inference plan of a model with the given weights (the full pruned ones or the compact ones, whose
 * `keptInputs` become a gather step). `inputShape` is the spec's: [features] or [height, width, channels].
 * Dropout is the identity at inference and leaves no step. Throws an ExportError naming the first layer the
 * export does not cover.
 */
export function planOf(model: CheckedModel, weights: readonly LayerWeights[], inputShape: readonly number[], keptInputs?: readonly number[]): Plan {
  const byIndex = new Map(weights.map((w) => [w.layer.index, w]));
  const image = inputShape.length === 3;
  const steps: Step[] = [];
  // Every input kept, in order: nothing to pick.
  const everyInput = keptInputs?.length === inputShape[0] && keptInputs.every((v, i) => v === i);
  if (keptInputs && !everyInput) steps.push({ op: 'gather', indices: [...keptInputs] });
  // [height, width] of the image a flatten just turned into a row, until the dense layer that reads it.
  let flattened: [number, number] | undefined;
  let flat = !image;
  let outputs = inputShape.reduce((a, b) => a * b, 1);
  for (const layer of model.layers) {
    const uncovered = (): ExportError =>
      new ExportError(
        `expected layers the ONNX and PyTorch export covers (${EXPORTED_KINDS.join(', ')}), found \`${layer.kind}\` (${layer.name}); the TensorFlow.js export (--format tfjs) has every layer`,
      );
    const w = byIndex.get(layer.index);
    switch (layer.kind) {
      case 'dense': {
        if (!flat) throw new ExportError(`expected a flatten before the dense layer \`${layer.name}\`, found an image input to it`);
        const [inputs, units] = [w!.w.length / w!.b.length, w!.b.length];
        steps.push({ op: 'dense', name: layer.name, weight: denseWeight(w!.w, inputs, units, flattened), bias: w!.b.slice(), inputs, units });
        flattened = undefined;
        outputs = units;
        break;
      }
      case 'conv': {
        if (flat) throw new ExportError(`expected an image input to the conv layer \`${layer.name}\`, found a flat one`);
        const [kh, kw, channels, filters] = w!.layer.weightShape! as [number, number, number, number];
        const stride = layer.stride ?? 1;
        const pads = padsOf(layer.inputShape!, [kh, kw], stride, layer.padding ?? 'same');
        steps.push({
          op: 'conv',
          name: layer.name,
          weight: convWeight(w!.w, kh, kw, channels, filters),
          bias: w!.b.slice(),
          channels,
          filters,
          kernel: [kh, kw],
          stride,
          pads,
        });
        break;
      }
      case 'maxpool': {
        const stride = layer.stride ?? layer.kernel![0];
        steps.push({
          op: 'maxpool',
          name: layer.name,
          kernel: layer.kernel!,
          stride,
          pads: padsOf(layer.inputShape!, layer.kernel!, stride, layer.padding ?? 'same'),
        });
        break;
      }
      case 'flatten':
        if (!flat) flattened = [layer.inputShape![0]!, layer.inputShape![1]!];
        flat = true;
        steps.push({ op: 'flatten' });
        break;
      case 'dropout':
        break;
      case 'avgpool':
      case 'lrn':
        throw uncovered();
    }
    if (layer.activation === 'softmax' && layer.kind !== 'dense') {
      throw new ExportError(
        `expected softmax on a dense layer, found it on \`${layer.name}\` (${layer.kind}); the TensorFlow.js export (--format tfjs) has it`,
      );
    }
    if (w && layer.activation !== 'linear') steps.push({ op: 'activation', fn: layer.activation });
  }
  const input = image ? [inputShape[2]!, inputShape[0]!, inputShape[1]!] : [...inputShape];
  return { input, outputs, steps };
}

/**
 * TensorFlow.js' [in, out] as [out, in]. After a flatten of an H×W×C image, TensorFlow.js' rows run
 * channels last ((h·W + w)·C + c); an NCHW flatten runs channels first ((c·H + h)·W + w): the rows are
 * reordered so that the plain NCHW flatten feeds each weight the same pixel.
 */
function denseWeight(w: Float32Array<ArrayBufferLike>, inputs: number, units: number, image: [number, number] | undefined): Float32Array {
  const out = new Float32Array(inputs * units);
  const [H, W] = image ?? [1, 1];
  const C = inputs / (H * W);
  for (let r = 0; r < inputs; r++) {
    const c = r % C;
    const pixel = Math.floor(r / C);
    const column = image ? c * H * W + pixel : r;
    for (let u = 0; u < units; u++) out[u * inputs + column] = w[r * units + u]!;
  }
  return out;
}

/** [kh, kw, in, out] as [out, in, kh, kw]. */
function convWeight(w: Float32Array<ArrayBufferLike>, kh: number, kw: number, channels: number, filters: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < channels; i++)
        for (let o = 0; o < filters; o++) out[((o * channels + i) * kh + y) * kw + x] = w[((y * kw + x) * channels + i) * filters + o]!;
  return out;
}

/** TensorFlow's padding of a window over an [h, w, …] input: `same` keeps ceil(size / stride) outputs, the odd pixel after. */
export function padsOf(inputShape: readonly number[], kernel: readonly [number, number], stride: number, padding: 'same' | 'valid'): Pads {
  if (padding === 'valid') return { top: 0, left: 0, bottom: 0, right: 0 };
  const total = (size: number, k: number): number => Math.max((Math.ceil(size / stride) - 1) * stride + k - size, 0);
  const th = total(inputShape[0]!, kernel[0]);
  const tw = total(inputShape[1]!, kernel[1]);
  return { top: Math.floor(th / 2), left: Math.floor(tw / 2), bottom: th - Math.floor(th / 2), right: tw - Math.floor(tw / 2) };
}
