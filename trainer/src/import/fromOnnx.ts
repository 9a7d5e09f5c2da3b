import type { onnx } from 'onnx-proto';
import { padsOf } from '../export/plan.ts';
import { ImportError } from './errors.ts';
import { floatAttr, intAttr, intsAttr, type GraphTensor, type OnnxGraph } from './onnxRead.ts';

/** Activations a weighted layer of the spec takes from an ONNX node that follows it. */
const ACTIVATION_OF_OP = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', Softmax: 'softmax' } as const;
type ImportedActivation = (typeof ACTIVATION_OF_OP)[keyof typeof ACTIVATION_OF_OP] | 'linear';

/** The ONNX operators the importer reads; the message of any other node names them. */
export const IMPORTED_OPS = [
  'Gemm',
  'MatMul',
  'Add',
  'Conv',
  'BatchNormalization',
  'MaxPool',
  'AveragePool',
  'Flatten',
  'Reshape',
  'Relu',
  'Sigmoid',
  'Tanh',
  'Softmax',
  'Dropout',
  'Identity',
  'Constant',
  'Gather',
] as const;

/**
 * One layer of the imported spec. Weights are in PyTorch's layout, as the ONNX file holds them and as the
 * weights file stores them: dense [out, in] (after an image's flatten, `in` runs channels first, C·H·W), conv
 * [out, in, kh, kw].
 */
export type ImportedLayer =
  | { kind: 'dense'; name: string; units: number; inputs: number; activation: ImportedActivation; weight: Float32Array; bias: Float32Array; node: string }
  | {
      kind: 'conv';
      name: string;
      filters: number;
      channels: number;
      kernel: [number, number];
      stride: number;
      padding: 'same' | 'valid';
      activation: ImportedActivation;
      weight: Float32Array;
      bias: Float32Array;
      node: string;
    }
  | { kind: 'maxpool' | 'avgpool'; name: string; kernel: [number, number]; stride: number; padding: 'same' | 'valid' }
  | { kind: 'flatten'; name: string };

export interface ImportedModel {
  /** One input's shape as the spec writes it: [features] or [height, width, channels]. */
  input: number[];
  layers: ImportedLayer[];
}

/** What flows between two nodes, per sample: a flat row or an image (channels first, as ONNX has it). */
type Value = { flat: number } | { image: [number, number, number] };

const describe = (v: Value): string => ('flat' in v ? `a flat input of ${v.flat}` : `an image of ${v.image[1]}x${v.image[2]} with ${v.image[0]} channels`);

/**
 * The spec's layers of an ONNX graph that is one chain from its input to its output, as torch.onnx.export,
 * tf2onnx and DropNeuron's own export write them: Gemm, or MatMul then Add, as dense; Conv (with a following
 * BatchNormalization folded into it); MaxPool; Flatten and the Reshape that flattens or that shapes a flat input
 * into an image; Relu, Sigmoid, Tanh and Softmax as the activation of the layer before; Dropout and Identity
 * dropped; the Gather of DropNeuron's compact models (the kept inputs) as zero rows for the inputs it drops.
 * Throws an ImportError: one line per node of another kind, else one sentence for the first node that does
 * not fit.
 */
export function importOnnx(graph: OnnxGraph, file: string): ImportedModel {
  const unsupported = graph.nodes.filter((n) => !(IMPORTED_OPS as readonly string[]).includes(n.opType ?? ''));
  if (unsupported.length) {
    throw new ImportError(
      unsupported
        .map(
          (n) =>
            `${file}: expected nodes the importer reads (${IMPORTED_OPS.join(', ')}), found ${n.opType} (node ${JSON.stringify(n.name ?? '')}); nothing was written`,
        )
        .join('\n'),
    );
  }
  const { dims } = graph.input;
  if (dims.length === 0 || dims.some((d) => d === undefined)) {
    throw new ImportError(
      `${file}: expected the input's dimensions after the batch to be fixed numbers, found [${dims.map((d) => d ?? '?').join(', ')}] (dynamic); export with a fixed example input`,
    );
  }
  let value: Value;
  if (dims.length === 1) value = { flat: dims[0]! };
  else if (dims.length === 3) value = { image: dims as [number, number, number] };
  else throw new ImportError(`${file}: expected an input of [batch, features] or [batch, channels, height, width], found [batch, ${dims.join(', ')}]`);
  const layers: ImportedLayer[] = [];
  let inputShape: number[] = 'flat' in value ? [value.flat] : [value.image[1], value.image[2], value.image[0]];
  let current = graph.input.name;
  // The kept inputs of a Gather on the input, until the dense layer that reads them.
  let gathered: { indices: number[]; total: number } | undefined;
  const counts = { dense: 0, conv: 0, pool: 0, flatten: 0 };
  const fail = (node: onnx.INodeProto, what: string): ImportError =>
    new ImportError(`${file}: ${node.opType} (node ${JSON.stringify(node.name ?? '')}): ${what}; nothing was written`);
  const weightOf = (node: onnx.INodeProto, index: number, what: string): GraphTensor & { floats: Float32Array } => {
    const t = graph.tensors.get(node.input?.[index] ?? '');
    if (!t?.floats) throw fail(node, `expected its ${what} as a float32 initializer, found ${t ? 'another type' : 'a computed value'}`);
    return t as GraphTensor & { floats: Float32Array };
  };
  /** The weighted layer the last nodes belong to: activations and batch norms attach to it. */
  const lastWeighted = (): Extract<ImportedLayer, { kind: 'dense' | 'conv' }> | undefined => {
    const last = layers.at(-1);
    return last && (last.kind === 'dense' || last.kind === 'conv') ? last : undefined;
  };

  for (const node of graph.nodes) {
    const op = node.opType ?? '';
    if (op === 'Constant') continue;
    const data = node.input?.[0];
    if (data !== current)
      throw fail(node, `expected it to read the output of the node before it (a chain of layers), found it reading ${JSON.stringify(data ?? '')}`);
    const output = node.output?.[0] ?? '';
    switch (op) {
      case 'Dropout':
      case 'Identity':
        break;
      case 'Gather': {
        const indices = graph.tensors.get(node.input?.[1] ?? '')?.ints;
        if (layers.length || gathered || !('flat' in value) || intAttr(node, 'axis', 0) !== 1 || !indices)
          throw fail(node, 'expected a Gather only of constant indices on axis 1 of a flat input, as DropNeuron writes its kept inputs');
        const total = value.flat;
        if (indices.some((i) => i < 0 || i >= total)) throw fail(node, `expected indices in [0, ${total}), found one outside`);
        gathered = { indices, total };
        value = { flat: indices.length };
        break;
      }
      case 'Reshape': {
        const target = graph.tensors.get(node.input?.[1] ?? '')?.ints;
        if (!target) throw fail(node, 'expected a constant target shape, found a computed one');
        const size = 'flat' in value ? value.flat : value.image.reduce((a, b) => a * b, 1);
        const rest = target.slice(1);
        if ('flat' in value && !layers.length && !gathered && rest.length === 3 && rest.every((d) => d > 0) && rest[0]! * rest[1]! * rest[2]! === size) {
          // x.view(-1, C, H, W) on the input: the spec's input is the image.
          value = { image: rest as [number, number, number] };
          inputShape = [rest[1]!, rest[2]!, rest[0]!];
        } else if (rest.length === 1 && (rest[0] === -1 || rest[0] === size)) {
          if ('image' in value) layers.push({ kind: 'flatten', name: `flatten${++counts.flatten}` });
          value = { flat: size };
        } else {
          throw fail(
            node,
            `expected a Reshape that flattens, or that shapes the flat input into [batch, channels, height, width], found one to [${target.join(', ')}] from ${describe(value)}`,
          );
        }
        break;
      }
      case 'Flatten': {
        if (intAttr(node, 'axis', 1) !== 1) throw fail(node, `expected axis 1, found axis ${intAttr(node, 'axis', 1)}`);
        if ('image' in value) {
          layers.push({ kind: 'flatten', name: `flatten${++counts.flatten}` });
          value = { flat: value.image.reduce((a, b) => a * b, 1) };
        }
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        if (!('flat' in value)) throw fail(node, `expected a flat input, found ${describe(value)}; a Flatten before it`);
        const b = weightOf(node, 1, 'weight');
        const transB = op === 'Gemm' ? intAttr(node, 'transB', 0) : 0;
        if (op === 'Gemm' && (intAttr(node, 'transA', 0) !== 0 || floatAttr(node, 'alpha', 1) !== 1 || floatAttr(node, 'beta', 1) !== 1))
          throw fail(node, 'expected transA 0, alpha 1 and beta 1');
        if (b.dims.length !== 2) throw fail(node, `expected a weight of 2 dimensions, found [${b.dims.join(', ')}]`);
        const [units, inputs] = transB ? [b.dims[0]!, b.dims[1]!] : [b.dims[1]!, b.dims[0]!];
        if (inputs !== value.flat) throw fail(node, `expected a weight reading ${value.flat} inputs, found one reading ${inputs}`);
        // [out, in] as PyTorch and the weights file keep it.
        let weight = transB ? b.floats.slice() : transpose(b.floats, inputs, units);
        const bias = new Float32Array(units);
        if (op === 'Gemm' && node.input?.[2]) addBias(bias, weightOf(node, 2, 'bias'), node, fail);
        let width = inputs;
        if (gathered) {
          weight = scatterColumns(weight, units, gathered.indices, gathered.total);
          width = gathered.total;
          gathered = undefined;
        }
        layers.push({ kind: 'dense', name: `fc${++counts.dense}`, units, inputs: width, activation: 'linear', weight, bias, node: node.name ?? '' });
        value = { flat: units };
        break;
      }
      case 'Add': {
        const layer = lastWeighted();
        if (!layer || layer.activation !== 'linear') throw fail(node, 'expected an Add of a bias right after a MatMul, Gemm or Conv');
        addBias(layer.bias, weightOf(node, 1, 'bias'), node, fail);
        break;
      }
      case 'Conv': {
        if (!('image' in value)) throw fail(node, `expected an image input, found ${describe(value)}`);
        const w = weightOf(node, 1, 'weight');
        const [C, H, W] = value.image;
        if (w.dims.length !== 4 || w.dims[1] !== C) throw fail(node, `expected a weight [filters, ${C}, kh, kw], found [${w.dims.join(', ')}]`);
        if (intAttr(node, 'group', 1) !== 1)
          throw fail(node, `expected group 1, found group ${intAttr(node, 'group', 1)} (grouped and depthwise convolutions are not imported)`);
        if ((intsAttr(node, 'dilations') ?? [1, 1]).some((d) => d !== 1)) throw fail(node, 'expected dilations of 1');
        const filters = w.dims[0]!;
        const kernel: [number, number] = [w.dims[2]!, w.dims[3]!];
        const { stride, padding } = windowOf(node, [H, W], kernel, fail);
        const bias = new Float32Array(filters);
        if (node.input?.[2]) addBias(bias, weightOf(node, 2, 'bias'), node, fail);
        layers.push({
          kind: 'conv',
          name: `conv${++counts.conv}`,
          filters,
          channels: C,
          kernel,
          stride,
          padding,
          activation: 'linear',
          weight: w.floats.slice(),
          bias,
          node: node.name ?? '',
        });
        value = { image: [filters, outSize(H, kernel[0], stride, padding), outSize(W, kernel[1], stride, padding)] };
        break;
      }
      case 'BatchNormalization': {
        const layer = lastWeighted();
        if (!layer || layer.activation !== 'linear') throw fail(node, 'expected it right after a Conv or Gemm, to fold into that layer');
        const [scale, shift, mean, variance] = [1, 2, 3, 4].map((i) => weightOf(node, i, ['scale', 'bias', 'mean', 'variance'][i - 1]!).floats);
        const outs = layer.bias.length;
        if ([scale, shift, mean, variance].some((t) => t!.length !== outs)) throw fail(node, `expected ${outs} values per statistic, one per channel`);
        const epsilon = floatAttr(node, 'epsilon', 1e-5);
        const per = layer.weight.length / outs;
        for (let o = 0; o < outs; o++) {
          const s = scale![o]! / Math.sqrt(variance![o]! + epsilon);
          for (let k = 0; k < per; k++) layer.weight[o * per + k]! *= s;
          layer.bias[o] = (layer.bias[o]! - mean![o]!) * s + shift![o]!;
        }
        break;
      }
      case 'MaxPool':
      case 'AveragePool': {
        if (!('image' in value)) throw fail(node, `expected an image input, found ${describe(value)}`);
        if (intAttr(node, 'ceil_mode', 0) !== 0) throw fail(node, 'expected ceil_mode 0');
        const kernel = intsAttr(node, 'kernel_shape') as [number, number] | undefined;
        if (kernel?.length !== 2) throw fail(node, 'expected a 2-D kernel_shape');
        const [C, H, W] = value.image;
        const { stride, padding } = windowOf(node, [H, W], kernel, fail);
        // TensorFlow's `same` average leaves the padding out of each window's count.
        if (op === 'AveragePool' && padding === 'same' && intAttr(node, 'count_include_pad', 0) !== 0)
          throw fail(node, 'expected count_include_pad 0 with padding (the trainer averages over the pixels inside the image only)');
        layers.push({ kind: op === 'MaxPool' ? 'maxpool' : 'avgpool', name: `pool${++counts.pool}`, kernel, stride, padding });
        value = { image: [C, outSize(H, kernel[0], stride, padding), outSize(W, kernel[1], stride, padding)] };
        break;
      }
      default: {
        const activation = ACTIVATION_OF_OP[op as keyof typeof ACTIVATION_OF_OP];
        // relu, sigmoid and tanh are monotonic: after a max pool or a flatten they give what they give before it (not
        // after an average pool: the mean of the activations is not the activation of the mean).
        const target = op === 'Softmax' ? lastWeighted() : [...layers].reverse().find((l) => l.kind !== 'maxpool' && l.kind !== 'flatten');
        if (!activation || !target || (target.kind !== 'dense' && target.kind !== 'conv') || target.activation !== 'linear')
          throw fail(node, 'expected an activation right after a Gemm or Conv (or after the MaxPool and Flatten that follow one) that has none yet');
        if (op === 'Softmax' && (target.kind !== 'dense' || node.output?.[0] !== graph.output))
          throw fail(node, 'expected Softmax only at the end, after a Gemm');
        target.activation = activation;
      }
    }
    current = output;
  }
  if (current !== graph.output)
    throw new ImportError(`${file}: expected the chain of nodes to end at the output ${graph.output}, found it ending at ${current}`);
  if (!('flat' in value)) throw new ImportError(`${file}: expected a flat output, found ${describe(value)}`);
  if (gathered) throw new ImportError(`${file}: expected a Gemm after the Gather of kept inputs, found none`);
  if (!layers.some((l) => l.kind === 'dense' || l.kind === 'conv')) throw new ImportError(`${file}: expected at least one Gemm, MatMul or Conv, found none`);
  return { input: inputShape, layers };
}

/** The stride (equal on both axes) and the spec's padding of a Conv's or pool's window: no pads, or TensorFlow's `same`. */
function windowOf(
  node: onnx.INodeProto,
  size: [number, number],
  kernel: [number, number],
  fail: (node: onnx.INodeProto, what: string) => ImportError,
): { stride: number; padding: 'same' | 'valid' } {
  const strides = intsAttr(node, 'strides') ?? [1, 1];
  if (strides[0] !== strides[1]) throw fail(node, `expected the same stride on both axes, found [${strides.join(', ')}]`);
  const stride = strides[0] ?? 1;
  const autoPad = node.attribute?.find((a) => a.name === 'auto_pad')?.s;
  const autoPadText = autoPad ? Buffer.from(autoPad).toString() : 'NOTSET';
  if (autoPadText === 'VALID') return { stride, padding: 'valid' };
  if (autoPadText === 'SAME_UPPER') return { stride, padding: 'same' };
  const pads = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
  if (pads.every((p) => p === 0)) return { stride, padding: 'valid' };
  const same = padsOf(size, kernel, stride, 'same');
  if (pads.join() === [same.top, same.left, same.bottom, same.right].join()) return { stride, padding: 'same' };
  throw fail(
    node,
    `expected pads of none or \`same\` ([${same.top}, ${same.left}, ${same.bottom}, ${same.right}] for this ${size[0]}x${size[1]} input), found [${pads.join(', ')}]`,
  );
}

function outSize(n: number, k: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(n / stride) : Math.ceil((n - k + 1) / stride);
}

function addBias(
  bias: Float32Array,
  t: GraphTensor & { floats: Float32Array },
  node: onnx.INodeProto,
  fail: (node: onnx.INodeProto, what: string) => ImportError,
): void {
  if (t.floats.length !== bias.length && t.floats.length !== 1) throw fail(node, `expected a bias of ${bias.length} values, found [${t.dims.join(', ')}]`);
  for (let i = 0; i < bias.length; i++) bias[i]! += t.floats.length === 1 ? t.floats[0]! : t.floats[i]!;
}

/** [rows, cols] as [cols, rows]. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/** [out, kept] as [out, total]: the column of kept input k at its index, zero columns for the inputs the Gather dropped. */
function scatterColumns(weight: Float32Array, units: number, indices: readonly number[], total: number): Float32Array {
  const out = new Float32Array(units * total);
  for (let u = 0; u < units; u++) indices.forEach((index, k) => (out[u * total + index] = weight[u * indices.length + k]!));
  return out;
}
