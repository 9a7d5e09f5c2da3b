import * as path from 'node:path';
import type { ModelFormatFacts } from '../../protocol/modelFormats.ts';
import { RUNS_FOLDER } from '../../protocol/runFolder.ts';

/**
 * Where the save dialog suggests the export: beside the spec (a run folder in the spec's `.dropneuron/runs/` is
 * `MODEL-STAMP`), named after the model, `lenet-300-100-compact.onnx` or `lenet-300-100-compact-tfjs/`; beside
 * the run folder for a run elsewhere. Never inside the run's own compact/, which the dialog would overwrite.
 */
export function suggestedExportPath(runDir: string, format: ModelFormatFacts): string {
  const parent = path.dirname(runDir);
  const runs = RUNS_FOLDER.split('/');
  const inSpecRuns = parent.split(/[\\/]/).slice(-runs.length).join('/') === RUNS_FOLDER;
  const folder = inSpecRuns ? path.resolve(parent, ...runs.map(() => '..')) : parent;
  const model = inSpecRuns ? path.basename(runDir).replace(/-\d{8}-\d{6}(-\d+)?$/, '') : path.basename(runDir);
  return path.join(folder, format.kind === 'file' ? `${model}-compact${format.extension}` : `${model}-${format.suggestedFolder}`);
}
