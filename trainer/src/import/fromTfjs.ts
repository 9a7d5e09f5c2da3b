import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { describeFsError } from '../../../store/files.ts';
import { ImportError } from './errors.ts';
import type { ImportedLayer, ImportedModel } from './fromOnnx.ts';

/** The Keras layer classes the importer reads from a TF.js LayersModel; the message of any other names them. */
export const IMPORTED_TFJS_LAYERS = [
  'InputLayer',
  'Dense',
  'Conv2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'Flatten',
  'Dropout',
  'Activation',
  'BatchNormalization',
] as const;

/** The activations a TF.js layer names that the spec's layers take (`linear`: none). */
const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'softmax', 'linear'] as const;
type Activation = (typeof ACTIVATIONS)[number];

/** A TF.js LayersModel read from its model.json and weights: the spec's layers, and what the spec's comment says of it. */
export interface TfjsImport extends ImportedModel {
  /** `tfjs-layers v4.22.0`: model.json's generatedBy. */
  producer: string;
}

interface LayerJson {
  class_name?: unknown;
  config?: Record<string, unknown>;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: unknown;
}

/**
 * A TF.js LayersModel as written by tfjs-layers' `model.save('file://…')` (model.json: its topology and
 * weightsManifest; the weights in the binary files the manifest names, beside it), for a Sequential model of
 * Dense, Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Dropout, Activation and BatchNormalization (folded into
 * the Dense or Conv2D before it). TF.js computes in NHWC as the trainer does; the weights are returned in the
 * importer's PyTorch layout (dense [out, in] reading a flattened image channels first, conv [out, in, kh, kw]), as
 * the weights file stores every import, and startingWeights.ts turns them back: a permutation each way, so the
 * values are the model's own. Throws an ImportError of one sentence naming the file, the layer and what was
 * expected.
 */
export function importTfjs(file: string): TfjsImport {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? `text that does not parse as JSON (${error.message})` : describeFsError(file, error);
    throw new ImportError(`${file}: expected a TF.js model.json, found ${why}`);
  }
  const root = json as { modelTopology?: { class_name?: unknown; model_config?: unknown; config?: unknown }; weightsManifest?: unknown; generatedBy?: unknown };
  // model.save writes the topology under modelTopology; Keras' own model_config wraps it once more.
  const topology = (root?.modelTopology?.model_config ?? root?.modelTopology) as { class_name?: unknown; config?: unknown } | undefined;
  if (typeof root !== 'object' || root === null || !topology || !Array.isArray(root.weightsManifest))
    throw new ImportError(`${file}: expected a TF.js LayersModel's model.json (modelTopology and weightsManifest), found JSON without them`);
  if (topology.class_name !== 'Sequential')
    throw new ImportError(`${file}: expected a Sequential model (one chain of layers), found a ${String(topology.class_name)} model; nothing was written`);
  const config = topology.config as { layers?: unknown } | unknown[] | undefined;
  const layerList = (Array.isArray(config) ? config : config?.layers) as LayerJson[] | undefined;
  if (!Array.isArray(layerList) || layerList.length === 0) throw new ImportError(`${file}: expected the Sequential model's layers, found none`);
  const unsupported = layerList.filter((l) => !(IMPORTED_TFJS_LAYERS as readonly unknown[]).includes(l?.class_name));
  if (unsupported.length) {
    throw new ImportError(
      unsupported
        .map(
          (l) =>
            `${file}: expected layers the importer reads (${IMPORTED_TFJS_LAYERS.join(', ')}), found ${String(l?.class_name)} (layer ${JSON.stringify(l?.config?.name ?? '')}); nothing was written`,
        )
        .join('\n'),
    );
  }
  const weights = readWeights(file, root.weightsManifest as unknown[]);
  const producer = typeof root.generatedBy === 'string' ? root.generatedBy : 'TensorFlow.js';
  return { producer, ...layersOf(file, layerList, weights) };
}

/** The weights the manifest names, by name, read from its binary files (concatenated in the manifest's order). */
function readWeights(file: string, manifest: unknown[]): Map<string, { shape: number[]; values: Float32Array }> {
  const groups = manifest as { paths?: unknown; weights?: unknown }[];
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const group of groups) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights))
      throw new ImportError(`${file}: expected each weightsManifest entry to have paths and weights, found one without`);
    const parts: Buffer[] = [];
    for (const path of group.paths as unknown[]) {
      if (typeof path !== 'string') throw new ImportError(`${file}: expected the weightsManifest's paths as strings, found ${JSON.stringify(path)}`);
      const binary = resolve(dirname(file), path);
      try {
        parts.push(readFileSync(binary));
      } catch (error) {
        const found = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'none' : describeFsError(binary, error);
        throw new ImportError(`${file}: expected the weights file ${path} that its weightsManifest names, beside it, found ${found}; nothing was written`);
      }
    }
    const bytes = Buffer.concat(parts);
    const specs = group.weights as WeightSpec[];
    const needed = specs.reduce((sum, w) => sum + 4 * (Array.isArray(w?.shape) ? w.shape.reduce((a, b) => a * b, 1) : 0), 0);
    for (const w of specs) {
      if (w?.quantization !== undefined || (w?.dtype ?? 'float32') !== 'float32')
        throw new ImportError(
          `${file}: expected float32 weights, found ${String(w?.name)} stored as ${w?.quantization ? 'quantized' : String(w?.dtype)}; save the model unquantized`,
        );
    }
    if (bytes.length !== needed) {
      const names = (group.paths as string[]).map((p) => basename(p)).join(', ');
      throw new ImportError(
        `${file}: expected ${needed} bytes of weights in ${names} (as its weightsManifest lists them), found ${bytes.length}: ${bytes.length < needed ? 'a truncated file' : 'another model’s weights'}; nothing was written`,
      );
    }
    // A copy: the bytes of a Buffer need not be aligned for a Float32Array view.
    const floats = new Float32Array(new Uint8Array(bytes).buffer);
    let offset = 0;
    for (const w of specs) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      out.set(w.name, { shape: w.shape, values: floats.subarray(offset, offset + size) });
      offset += size;
    }
  }
  return out;
}

/** What flows between two layers, per sample: a flat row or an image (NHWC without the batch: [H, W, C]). */
type Value = { flat: number } | { image: [number, number, number] };

function layersOf(file: string, layerList: LayerJson[], weights: Map<string, { shape: number[]; values: Float32Array }>): ImportedModel {
  const first = layerList[0]!.config ?? {};
  const batchShape = first.batch_input_shape ?? first.batchInputShape;
  if (!Array.isArray(batchShape) || batchShape.length < 2)
    throw new ImportError(`${file}: expected the first layer to say its input's shape (batch_input_shape), found none`);
  const dims = batchShape.slice(1) as unknown[];
  if (!dims.every((d): d is number => typeof d === 'number' && Number.isInteger(d) && d > 0))
    throw new ImportError(`${file}: expected the input's dimensions after the batch to be fixed numbers, found [${dims.map((d) => d ?? '?').join(', ')}]`);
  let value: Value;
  if (dims.length === 1) value = { flat: dims[0]! };
  else if (dims.length === 3) value = { image: dims as [number, number, number] };
  else throw new ImportError(`${file}: expected an input of [batch, features] or [batch, height, width, channels], found [batch, ${dims.join(', ')}]`);
  const input = [...dims];
  const layers: ImportedLayer[] = [];
  // The image a flatten just turned into a row, until the dense layer that reads it: its rows go from H·W·C to C·H·W.
  let flattened: [number, number, number] | undefined;
  const counts = { dense: 0, conv: 0, pool: 0, flatten: 0 };
  const lastWeighted = (): Extract<ImportedLayer, { kind: 'dense' | 'conv' }> | undefined => {
    const last = layers.at(-1);
    return last && (last.kind === 'dense' || last.kind === 'conv') ? last : undefined;
  };

  layerList.forEach((layer, index) => {
    const className = String(layer.class_name);
    const c = layer.config ?? {};
    const name = String(c.name ?? '');
    const fail = (what: string): ImportError => new ImportError(`${file}: ${className} (layer ${JSON.stringify(name)}): ${what}; nothing was written`);
    const tensor = (suffix: string, shape: number[]): Float32Array => {
      const w = weights.get(`${name}/${suffix}`);
      if (!w) throw fail(`expected its ${suffix} in the weights, found none named ${name}/${suffix}`);
      if (w.shape.join() !== shape.join()) throw fail(`expected its ${suffix} of shape [${shape.join(', ')}], found [${w.shape.join(', ')}]`);
      return w.values;
    };
    const activationOf = (a: unknown): Activation => {
      const given = a ?? 'linear';
      if (!(ACTIVATIONS as readonly unknown[]).includes(given))
        throw fail(`expected an activation the spec has (${ACTIVATIONS.join(', ')}), found ${String(given)}`);
      return given as Activation;
    };
    const lastLayer = index === layerList.length - 1;
    const window = (kernel: [number, number]): { stride: number; padding: 'same' | 'valid' } => {
      if ((c.data_format ?? 'channels_last') !== 'channels_last') throw fail(`expected data_format channels_last, found ${String(c.data_format)}`);
      const strides = (c.strides ?? kernel) as number[];
      if (strides[0] !== strides[1]) throw fail(`expected the same stride on both axes, found [${strides.join(', ')}]`);
      const padding = c.padding ?? 'valid';
      if (padding !== 'same' && padding !== 'valid') throw fail(`expected padding same or valid, found ${String(padding)}`);
      return { stride: strides[0]!, padding };
    };
    switch (className) {
      case 'InputLayer':
      case 'Dropout':
        break;
      case 'Flatten':
        if ('image' in value) {
          layers.push({ kind: 'flatten', name: `flatten${++counts.flatten}` });
          flattened = value.image;
          value = { flat: value.image.reduce((a, b) => a * b, 1) };
        }
        break;
      case 'Dense': {
        if (!('flat' in value)) throw fail(`expected a flat input, found an image of ${value.image.join('x')}; a Flatten before it`);
        const units = Number(c.units);
        const inputs = value.flat;
        const kernel = tensor('kernel', [inputs, units]);
        const bias = c.use_bias === false ? new Float32Array(units) : tensor('bias', [units]).slice();
        const activation = activationOf(c.activation);
        if (activation === 'softmax' && !lastLayer) throw fail('expected softmax only on the last layer');
        layers.push({
          kind: 'dense',
          name: `fc${++counts.dense}`,
          units,
          inputs,
          activation,
          weight: denseToFile(kernel, inputs, units, flattened),
          bias,
          node: name,
        });
        flattened = undefined;
        value = { flat: units };
        break;
      }
      case 'Conv2D': {
        if (!('image' in value)) throw fail(`expected an image input, found a flat input of ${value.flat}`);
        const [H, W, C] = value.image;
        const kernelSize = c.kernel_size as [number, number];
        if ((c.dilation_rate as number[] | undefined)?.some((d) => d !== 1)) throw fail('expected dilation_rate 1');
        const filters = Number(c.filters);
        const { stride, padding } = window(kernelSize);
        const kernel = tensor('kernel', [kernelSize[0], kernelSize[1], C, filters]);
        const activation = activationOf(c.activation);
        if (activation === 'softmax') throw fail('expected softmax only on the last Dense layer');
        layers.push({
          kind: 'conv',
          name: `conv${++counts.conv}`,
          filters,
          channels: C,
          kernel: kernelSize,
          stride,
          padding,
          activation,
          weight: convToFile(kernel, kernelSize[0], kernelSize[1], C, filters),
          bias: c.use_bias === false ? new Float32Array(filters) : tensor('bias', [filters]).slice(),
          node: name,
        });
        value = { image: [outSize(H, kernelSize[0], stride, padding), outSize(W, kernelSize[1], stride, padding), filters] };
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        if (!('image' in value)) throw fail(`expected an image input, found a flat input of ${value.flat}`);
        const [H, W, C] = value.image;
        const kernel = c.pool_size as [number, number];
        const { stride, padding } = window(kernel);
        layers.push({ kind: className === 'MaxPooling2D' ? 'maxpool' : 'avgpool', name: `pool${++counts.pool}`, kernel, stride, padding });
        value = { image: [outSize(H, kernel[0], stride, padding), outSize(W, kernel[1], stride, padding), C] };
        break;
      }
      case 'Activation': {
        const activation = activationOf(c.activation);
        if (activation === 'linear') break;
        // relu, sigmoid and tanh rise monotonically: after a max pool or a flatten they give what they give before it (not after an average pool).
        const target = activation === 'softmax' ? lastWeighted() : [...layers].reverse().find((l) => l.kind !== 'maxpool' && l.kind !== 'flatten');
        if (!target || (target.kind !== 'dense' && target.kind !== 'conv') || target.activation !== 'linear')
          throw fail('expected an activation right after a Dense or Conv2D (or after the MaxPooling2D and Flatten that follow one) that has none yet');
        if (activation === 'softmax' && (target.kind !== 'dense' || !lastLayer)) throw fail('expected softmax only at the end, after a Dense layer');
        target.activation = activation;
        break;
      }
      case 'BatchNormalization': {
        const target = lastWeighted();
        if (!target || target.activation !== 'linear') throw fail('expected it right after a Dense or Conv2D without an activation, to fold into that layer');
        const axis = Number(c.axis ?? -1);
        const rank = 'flat' in value ? 2 : 4;
        if (axis !== -1 && axis !== rank - 1) throw fail(`expected axis -1 (the channels), found axis ${axis}`);
        const outs = target.bias.length;
        const gamma = c.scale === false ? new Float32Array(outs).fill(1) : tensor('gamma', [outs]);
        const beta = c.center === false ? new Float32Array(outs) : tensor('beta', [outs]);
        const mean = tensor('moving_mean', [outs]);
        const variance = tensor('moving_variance', [outs]);
        const epsilon = Number(c.epsilon ?? 1e-3);
        const per = target.weight.length / outs;
        for (let o = 0; o < outs; o++) {
          const s = gamma[o]! / Math.sqrt(variance[o]! + epsilon);
          for (let k = 0; k < per; k++) target.weight[o * per + k]! *= s;
          target.bias[o] = (target.bias[o]! - mean[o]!) * s + beta[o]!;
        }
        break;
      }
    }
  });
  if (!('flat' in value)) throw new ImportError(`${file}: expected a flat output, found an image of ${value.image.join('x')}`);
  if (!layers.some((l) => l.kind === 'dense' || l.kind === 'conv')) throw new ImportError(`${file}: expected at least one Dense or Conv2D layer, found none`);
  return { input, layers };
}

function outSize(n: number, k: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(n / stride) : Math.ceil((n - k + 1) / stride);
}

/**
 * A TF.js dense kernel [in, out] as the weights file's [out, in]; after an image's flatten, TF.js row (h·W + w)·C + c
 * goes to file column (c·H + h)·W + w (channels first, as startingWeights.ts's denseToTrainer reads it back).
 */
export function denseToFile(kernel: Float32Array, inputs: number, units: number, image: [number, number, number] | undefined): Float32Array {
  const out = new Float32Array(inputs * units);
  const [H, W, C] = image ?? [1, 1, inputs];
  for (let r = 0; r < inputs; r++) {
    const column = image ? (r % C) * H * W + Math.floor(r / C) : r;
    for (let u = 0; u < units; u++) out[u * inputs + column] = kernel[r * units + u]!;
  }
  return out;
}

/** A TF.js conv kernel [kh, kw, in, out] as the weights file's [out, in, kh, kw]. */
export function convToFile(kernel: Float32Array, kh: number, kw: number, channels: number, filters: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < channels; i++)
        for (let o = 0; o < filters; o++) out[((o * channels + i) * kh + y) * kw + x] = kernel[((y * kw + x) * channels + i) * filters + o]!;
  return out;
}
