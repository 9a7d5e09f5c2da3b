import type * as tfl from '@tensorflow/tfjs-layers';
import type { CheckedModel } from '../../../language/index.ts';
import type { ExportedFile, Summary } from '../../../protocol/events.ts';
import { modelFileName } from '../../../protocol/modelFormats.ts';
import type { CompactModel } from '../compact.ts';
import type { Dataset } from '../data/dataset.ts';
import type { LayerWeights } from '../layerWeights.ts';
import { ExportError } from './errors.ts';
import { measureLatency } from './latency.ts';
import { FILE_FORMATS } from './registry.ts';
import { TFJS, tfjsBytes } from './tfjs.ts';
import { writeCompactExport } from './write.ts';

export interface RunEndExport {
  model: CheckedModel;
  data: Dataset;
  /** The full model's weights, pruned at the threshold, and the compact model made from them. */
  pruned: LayerWeights[];
  small: CompactModel;
  /** The run's compact/ and model/ folders. */
  compactDir: string;
  fullDir: string;
  /** The TensorFlow.js models already saved in those folders; absent when the model has a layer TensorFlow.js cannot save. */
  layers?: { full: tfl.LayersModel; compact: tfl.LayersModel };
}

/**
 * What the run's end adds to the compact/ folder beside the TensorFlow.js model: every file format (model.onnx,
 * model.safetensors and model.py); and what it adds to the summary: each format's size next to the full
 * model's (the full model's files are encoded in memory to be measured, not written), and the inference latency
 * of both. An architecture the file formats do not cover is `exportError`, not a failed run.
 */
export async function exportAtRunEnd(e: RunEndExport): Promise<Pick<Summary, 'exports' | 'exportError' | 'latency'>> {
  const exports: ExportedFile[] = [];
  if (e.layers) exports.push({ format: TFJS.facts.id, path: e.compactDir, bytes: tfjsBytes(e.compactDir), fullBytes: tfjsBytes(e.fullDir) });
  let exportError: string | undefined;
  try {
    // The full model first: one a format cannot cover fails before anything is written.
    const full = { model: e.model, layers: e.pruned, inputShape: e.data.inputShape };
    const fullBytes = new Map<string, number>();
    for (const format of FILE_FORMATS) fullBytes.set(format.facts.id, (await format.encode(full, modelFileName(format.facts))).bytes);
    const written = await writeCompactExport(e.model, e.small, e.data.inputShape, e.compactDir);
    exports.push(...written.models.map((m) => ({ ...m, fullBytes: fullBytes.get(m.format)! })));
  } catch (error) {
    if (!(error instanceof ExportError)) throw error;
    exportError = error.message;
  }
  const latency = e.layers
    ? await measureLatency(e.layers.full, e.layers.compact, e.small.keptInputs, e.data.testX, e.data.inputShape, e.data.testCount)
    : undefined;
  return { exports, ...(exportError ? { exportError } : {}), ...(latency ? { latency } : {}) };
}
