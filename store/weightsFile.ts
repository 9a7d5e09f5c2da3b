/**
 * A spec's `weights` file (safetensors: `dropneuron import` writes it, the trainer starts from it): its tensors'
 * names and shapes read from the header alone, and the one rule of which tensors a spec's layers need. The
 * trainer (trainer/src/import/startingWeights.ts), the editor's hover and its checks all read it here.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CheckedLayer, CheckedModel } from '../language/index.ts';
import { describeFsError } from './files.ts';

/** A tensor as the file's header lists it. */
export interface WeightsTensorInfo {
  name: string;
  dtype: string;
  shape: number[];
}

/** A header longer than this is not a weights file's (a safetensors header lists names and shapes: kilobytes). */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

/** The tensors a weighted layer reads from a weights file, and their shapes there (PyTorch's layout: [out, in], [out, in, kh, kw]). */
export function expectedTensors(layer: CheckedLayer): { weight: string; bias: string; weightShape: number[]; biasShape: number[] } {
  const shape = layer.weightShape!;
  const out = shape[shape.length - 1]!;
  const weightShape = shape.length === 4 ? [out, shape[2]!, shape[0]!, shape[1]!] : [out, shape[0]!];
  return { weight: `${layer.name}.weight`, bias: `${layer.name}.bias`, weightShape, biasShape: [out] };
}

/** Where a spec's `weights` path points: relative to the spec's folder, as data paths. */
export function weightsPath(model: CheckedModel, specPath: string): string | undefined {
  return model.weights === undefined ? undefined : resolve(specPath, '..', model.weights);
}

/**
 * The tensors a safetensors file lists, read from its header alone (the data is not read: a hover stays quick on
 * a large model); one sentence on a file that cannot be read or is not safetensors.
 */
export function readWeightsHeader(path: string): { tensors: WeightsTensorInfo[] } | { error: string } {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = statSync(path).size;
    const head = Buffer.alloc(8);
    if (size < 8 || readSync(fd, head, 0, 8, 0) !== 8) return { error: `${path}: expected a safetensors file, found one of ${size} bytes` };
    const length = Number(head.readBigUInt64LE(0));
    if (length > MAX_HEADER_BYTES || 8 + length > size)
      return { error: `${path}: expected a safetensors file, found a header length of ${length} bytes in a file of ${size}` };
    const json = Buffer.alloc(length);
    readSync(fd, json, 0, length, 8);
    const header = JSON.parse(json.toString('utf8')) as Record<string, { dtype?: unknown; shape?: unknown }>;
    const tensors = Object.entries(header)
      .filter(([name]) => name !== '__metadata__')
      .map(([name, t]) => ({ name, dtype: String(t.dtype), shape: Array.isArray(t.shape) ? t.shape.map(Number) : [] }));
    return { tensors };
  } catch (error) {
    if (error instanceof SyntaxError) return { error: `${path}: expected a safetensors file, found a header that is not JSON` };
    return { error: weightsReadError(path, error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Each tensor a model's weighted layers need that the file lacks or holds in another shape or type, one sentence
 * each with the layer: what the trainer refuses to start from (it throws the first) and the editor marks.
 */
export function weightsMismatches(model: CheckedModel, tensors: readonly WeightsTensorInfo[], file: string): { layer: CheckedLayer; message: string }[] {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const found: { layer: CheckedLayer; message: string }[] = [];
  for (const layer of model.layers) {
    if (!layer.weightShape) continue;
    const expected = expectedTensors(layer);
    for (const [name, shape] of [
      [expected.weight, expected.weightShape],
      [expected.bias, expected.biasShape],
    ] as const) {
      const t = byName.get(name);
      if (!t) {
        const names = tensors.map((x) => x.name);
        const holds = names.length ? `${names.slice(0, 6).join(', ')}${names.length > 6 ? ` and ${names.length - 6} more` : ''}` : 'no tensors';
        found.push({ layer, message: `${file}: expected a tensor ${name} [${shape.join(', ')}] for layer \`${layer.name}\`, found none (it holds ${holds})` });
      } else if (t.dtype !== 'F32' || t.shape.join() !== shape.join()) {
        found.push({
          layer,
          message: `${file}: expected ${name} of shape [${shape.join(', ')}] for layer \`${layer.name}\`, found [${t.shape.join(', ')}]${t.dtype !== 'F32' ? ` ${t.dtype}` : ''}`,
        });
      }
    }
  }
  return found;
}

/** A weights file that cannot be read, as one sentence: a missing one says so plainly (not "a folder on the path missing"). */
export function weightsReadError(path: string, error: unknown): string {
  const missing = (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return `${path}: expected the spec's weights file, found ${missing ? 'no file there (ENOENT); `dropneuron import` writes one beside the spec it writes' : describeFsError(path, error)}`;
}
