import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckedModel } from '../../../language/index.ts';
import { writeAtomic, io } from '../../../store/files.ts';
import type { CompactModel } from '../compact.ts';
import type { HostLayer } from '../stats.ts';
import { onnxModel } from './onnx.ts';
import { planOf } from './plan.ts';
import { pytorchModel } from './pytorch.ts';
import { encodeSafetensors } from './safetensors.ts';

/** The file names in a model folder (compact/ or model/), beside TensorFlow.js' model.json and weights.bin. */
export const EXPORT_FILES = { onnx: 'model.onnx', safetensors: 'model.safetensors', python: 'model.py' } as const;

/** One model in the ONNX and PyTorch formats, in memory. */
export interface ExportedModel {
  onnx: Uint8Array;
  safetensors: Uint8Array;
  /** model.py: builds the matching nn.Sequential and loads model.safetensors beside it. */
  python: string;
}

/**
 * The model with these weights as ONNX and safetensors + model.py. `keptInputs` (the compact model's) become
 * the first step, so that every export reads the spec's whole input; model.py loads `weightsFile` beside it. Throws an ExportError for a layer the
 * export does not cover.
 */
export function exportModel(
  model: CheckedModel,
  weights: readonly HostLayer[],
  inputShape: readonly number[],
  keptInputs?: readonly number[],
  weightsFile: string = EXPORT_FILES.safetensors,
): ExportedModel {
  const plan = planOf(model, weights, inputShape, keptInputs);
  const doc = `DropNeuron model ${model.name}: input [batch, ${plan.input.join(', ')}]${plan.input.length === 3 ? ' NCHW' : ''}, output [batch, ${plan.outputs}]`;
  const { tensors, source } = pytorchModel(plan, model.name, weightsFile);
  return {
    onnx: onnxModel(plan, model.name, doc),
    safetensors: encodeSafetensors(tensors, { format: 'pt', model: model.name }),
    python: source,
  };
}

/** Writes the three files into `dir` (which exists), each atomically; returns their paths. */
export function writeExport(dir: string, exported: ExportedModel): Record<keyof typeof EXPORT_FILES, string> {
  const paths = { onnx: join(dir, EXPORT_FILES.onnx), safetensors: join(dir, EXPORT_FILES.safetensors), python: join(dir, EXPORT_FILES.python) };
  io(paths.onnx, 'write the ONNX model', () => writeAtomic(paths.onnx, exported.onnx));
  io(paths.safetensors, 'write the safetensors weights', () => writeAtomic(paths.safetensors, exported.safetensors));
  io(paths.python, 'write the PyTorch model', () => writeAtomic(paths.python, exported.python));
  return paths;
}

/**
 * The compact model's ONNX, safetensors and model.py, written into `dir` (made when missing) beside its
 * TensorFlow.js model: what a run's end writes into its compact/ and `dropneuron prune --write` into a variant's,
 * so that both hold the same formats. Throws an ExportError for a layer the export does not cover, before
 * writing anything.
 */
export function writeCompactExport(
  model: CheckedModel,
  small: CompactModel,
  inputShape: readonly number[],
  dir: string,
): { exported: ExportedModel; paths: Record<keyof typeof EXPORT_FILES, string> } {
  const exported = exportModel(model, small.layers, inputShape, small.keptInputs);
  if (!existsSync(dir)) io(dir, 'create the compact model folder', () => mkdirSync(dir, { recursive: true }));
  return { exported, paths: writeExport(dir, exported) };
}

/** Bytes of a TensorFlow.js model folder: model.json and weights.bin (the other formats beside them not counted). */
export function tfjsBytes(dir: string): number {
  return readdirSync(dir)
    .filter((name) => name === 'model.json' || name.startsWith('weights'))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}
