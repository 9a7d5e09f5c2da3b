import { readFileSync } from 'node:fs';
import type { CheckedModel } from '../../../language/index.ts';
import { expectedTensors, weightsMismatches, weightsReadError } from '../../../store/weightsFile.ts';
import { decodeSafetensors, type SafeTensor } from '../export/safetensors.ts';
import { ImportError } from './errors.ts';

/**
 * A spec's starting weights from its `weights` file (safetensors, as `dropneuron import` and `dropneuron export
 * --format safetensors` write them: `NAME.weight` and `NAME.bias` per weighted layer in PyTorch's layout),
 * converted to the trainer's: dense [in, out] with the rows after an image's flatten reordered from channels
 * first (C·H·W) to channels last (H·W·C), conv [kh, kw, in, out]. One entry per weighted layer, in order, as
 * `Network.write` takes them. Throws an ImportError naming the file, the layer and both shapes on the first
 * tensor that is missing or of another shape.
 */
export function startingWeights(model: CheckedModel, file: string): { w: Float32Array; b: Float32Array }[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ImportError(weightsReadError(file, error));
  }
  let tensors: Map<string, SafeTensor>;
  try {
    tensors = decodeSafetensors(bytes).tensors;
  } catch (error) {
    throw new ImportError(`${file}: expected a safetensors file, found ${(error as Error).message.replace(/^expected /, 'one that fails: expected ')}`);
  }
  const [mismatch] = weightsMismatches(model, [...tensors.values()], file);
  if (mismatch) throw new ImportError(mismatch.message);
  const out: { w: Float32Array; b: Float32Array }[] = [];
  // [height, width] of the image a flatten just turned into a row, until the dense layer that reads it.
  let flattened: [number, number] | undefined;
  for (const layer of model.layers) {
    if (layer.kind === 'flatten' && layer.inputShape?.length === 3) flattened = [layer.inputShape[0]!, layer.inputShape[1]!];
    if (!layer.weightShape) continue;
    const expected = expectedTensors(layer);
    // Present, F32 and of the layer's shapes: weightsMismatches found nothing wrong.
    const weight = tensors.get(expected.weight)!.data as Float32Array;
    const b = (tensors.get(expected.bias)!.data as Float32Array).slice();
    if (layer.kind === 'conv') {
      const [kh, kw, channels, filters] = layer.weightShape as [number, number, number, number];
      out.push({ w: convToTrainer(weight, kh, kw, channels, filters), b });
    } else {
      const [inputs, units] = layer.weightShape as [number, number];
      out.push({ w: denseToTrainer(weight, inputs, units, flattened), b });
      flattened = undefined;
    }
  }
  return out;
}

/** [out, in] as [in, out]; after an image's flatten, trainer row (h·W + w)·C + c reads file column (c·H + h)·W + w (plan.ts writes the reverse). */
export function denseToTrainer(weight: Float32Array, inputs: number, units: number, image: [number, number] | undefined): Float32Array {
  const out = new Float32Array(inputs * units);
  const [H, W] = image ?? [1, 1];
  const C = inputs / (H * W);
  for (let r = 0; r < inputs; r++) {
    const column = image ? (r % C) * H * W + Math.floor(r / C) : r;
    for (let u = 0; u < units; u++) out[r * units + u] = weight[u * inputs + column]!;
  }
  return out;
}

/** [out, in, kh, kw] as [kh, kw, in, out]. */
export function convToTrainer(weight: Float32Array, kh: number, kw: number, channels: number, filters: number): Float32Array {
  const out = new Float32Array(weight.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < channels; i++)
        for (let o = 0; o < filters; o++) out[((y * kw + x) * channels + i) * filters + o] = weight[((o * channels + i) * kh + y) * kw + x]!;
  return out;
}
