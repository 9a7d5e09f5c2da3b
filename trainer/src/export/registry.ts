import { EXPORT_FORMATS, type ExportFormat, type FileExportFormat } from '../../../protocol/modelFormats.ts';
import type { ModelFormat } from './format.ts';
import { ONNX } from './onnx.ts';
import { SAFETENSORS } from './pytorch.ts';
import { TFJS } from './tfjs.ts';

/**
 * Every format a model is written in, by id: one entry per row of protocol/modelFormats.ts (the compiler insists
 * on each, and on the entry's own id). A new format is a file with its `ModelFormat`, its row, and its entry here.
 */
const FORMATS: { readonly [F in ExportFormat]: ModelFormat<F> } = { onnx: ONNX, safetensors: SAFETENSORS, tfjs: TFJS };

/** The format `dropneuron export --format` names. */
export function formatById(id: ExportFormat): ModelFormat {
  return FORMATS[id];
}

/**
 * The formats written as files beside the TensorFlow.js model in a model folder (compact/): what a run's end and
 * `prune --write` write there after the folder itself (whose save replaces the folder), in the table's order.
 */
export const FILE_FORMATS: readonly ModelFormat<FileExportFormat>[] = EXPORT_FORMATS.map(formatById).filter(
  (f): f is ModelFormat<FileExportFormat> => f.facts.kind === 'file',
);
