import { join } from 'node:path';
import type { CheckedModel } from '../../../language/index.ts';
import { modelFileName, type FileExportFormat, type ModelFileRole } from '../../../protocol/modelFormats.ts';
import type { CompactModel } from '../compact.ts';
import { besideName, writeEncoded, type EncodedModel, type ModelFormat } from './format.ts';
import { FILE_FORMATS } from './registry.ts';
import { ensureFolder } from '../../../store/modelFolder.ts';

/** The file names in a model folder (compact/ or model/) beside TensorFlow.js' model.json and weights.bin, by role. */
export const EXPORT_FILES = Object.fromEntries(
  FILE_FORMATS.flatMap((f) => {
    const name = modelFileName(f.facts);
    const beside = 'beside' in f.facts ? Object.entries(f.facts.beside) : [];
    return [[f.facts.id, name], ...beside.map(([role, extension]) => [role, besideName(name, extension)])];
  }),
) as Readonly<Record<ModelFileRole, string>>;

/** What `writeCompactExport` wrote: each file format's model file with its size, and every file by role. */
export interface CompactExport {
  models: { format: FileExportFormat; path: string; bytes: number }[];
  paths: Record<ModelFileRole, string>;
}

/**
 * The compact model in every file format (model.onnx, model.safetensors + model.py, …), written into `dir` (made
 * when missing) beside its TensorFlow.js model: what a run's end writes into its compact/ and `dropneuron prune
 * --write` into a variant's, so that both hold the same formats. Every format is encoded before anything is
 * written: an ExportError for a layer one does not cover leaves the folder as it was.
 */
export async function writeCompactExport(model: CheckedModel, small: CompactModel, inputShape: readonly number[], dir: string): Promise<CompactExport> {
  const source = { model, layers: small.layers, inputShape, keptInputs: small.keptInputs };
  const encoded: { format: ModelFormat<FileExportFormat>; model: EncodedModel }[] = [];
  for (const format of FILE_FORMATS) encoded.push({ format, model: await format.encode(source, modelFileName(format.facts)) });
  ensureFolder(dir, 'the compact model folder');
  const models: CompactExport['models'] = [];
  const paths: Partial<Record<ModelFileRole, string>> = {};
  for (const { format, model: m } of encoded) {
    const written = writeEncoded(format, m, join(dir, modelFileName(format.facts)));
    models.push({ format: format.facts.id, path: written.path, bytes: m.bytes });
    Object.assign(paths, { [format.facts.id]: written.path }, written.beside);
  }
  // Each file format wrote its file and the files beside it: every role of the table.
  return { models, paths: paths as Record<ModelFileRole, string> };
}
