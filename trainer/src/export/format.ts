import { basename, dirname, extname, join } from 'node:path';
import type { CheckedModel } from '../../../language/index.ts';
import { MODEL_FORMATS, modelFileName, type ExportFormat, type ModelFormatFacts, type ModelFormatRow } from '../../../protocol/modelFormats.ts';
import { io, writeAtomic } from '../../../store/files.ts';
import { writeModelFolder } from '../../../store/modelFolder.ts';
import type { LayerWeights } from '../layerWeights.ts';

/**
 * A model to write: the checked model, its weights (the full pruned ones or the compact ones), the spec's input
 * shape ([features] or [height, width, channels]) and, for the compact model, the inputs it kept.
 */
export interface ExportSource {
  model: CheckedModel;
  layers: readonly LayerWeights[];
  inputShape: readonly number[];
  keptInputs?: readonly number[] | undefined;
}

/** One file of a model encoded in memory. */
export interface EncodedFile {
  /** A folder format's: its name inside the folder. A file format's: the model's file name, or a name after it for a file beside it. */
  name: string;
  /** A file format's: the format's id for the model's own file, its `beside` key (protocol/modelFormats.ts) for a file beside it. */
  role: string;
  /** What the file holds, for the message of a failed write: "the ONNX model". */
  what: string;
  data: Uint8Array | string;
}

export interface EncodedModel {
  /** The model's size in the format: its file, or a folder format's every file; files beside it (model.py) are not counted. */
  bytes: number;
  /** A file format's model file first. */
  files: EncodedFile[];
}

/**
 * One format a model is written in: one file per format (tfjs.ts, onnx.ts, pytorch.ts), one entry each in
 * registry.ts, one row each in protocol/modelFormats.ts (`facts`). A format only encodes; `writeEncoded` writes what
 * it encoded (each file atomically, a folder format's folder as a whole), so a format fails before anything is written.
 */
export interface ModelFormat<F extends ExportFormat = ExportFormat> {
  readonly facts: ModelFormatRow<F>;
  /** Loads what encoding needs outside a run (TensorFlow.js: a backend); a run has it already. */
  prepare?(): Promise<void>;
  /**
   * The model in this format, in memory. `name`: the model's file name (a file format's files beside it are named
   * after it, and model.py names the weights it loads). Throws an ExportError naming the first layer the format
   * does not cover.
   */
  encode(source: ExportSource, name: string): Promise<EncodedModel>;
}

/** A file beside `name`, named after it: `syn.safetensors` and `.py` → `syn.py`. */
export function besideName(name: string, extension: string): string {
  return `${basename(name, extname(name))}${extension}`;
}

/** Where a written model is: its file (a folder format's folder) and the files beside it, by role (`python`: model.py). */
export interface WrittenModel {
  path: string;
  beside: Record<string, string>;
}

/**
 * Writes an encoded model at `target`: a file format's files into the target's folder (which exists), each
 * atomically; a folder format's folder as a whole (`writeFolder`).
 */
export function writeEncoded(format: ModelFormat, encoded: EncodedModel, target: string): WrittenModel {
  if (format.facts.kind === 'folder') {
    writeFolder(target, encoded.files);
    return { path: target, beside: {} };
  }
  const beside: Record<string, string> = {};
  for (const file of encoded.files) {
    const path = join(dirname(target), file.name);
    io(path, `write ${file.what}`, () => writeAtomic(path, file.data));
    if (file.role !== format.facts.id) beside[file.role] = path;
  }
  return { path: target, beside };
}

/**
 * What a model folder of ours may hold beside a folder format's own files: a run's compact/ and model/ folders also
 * hold the model in every file format (model.onnx, model.safetensors and model.py beside it), and the editor's
 * export of the TF.js model inside compact/ (`suggestedFolder`).
 */
const MODEL_FOLDER_ENTRIES: readonly string[] = (MODEL_FORMATS as readonly ModelFormatFacts[]).flatMap((f) => {
  if (f.kind === 'folder') return [f.suggestedFolder];
  const name = modelFileName(f);
  return [name, ...Object.values(f.beside ?? {}).map((extension) => besideName(name, extension))];
});

/** Writes a folder format's files as the folder `dir`, replacing only an earlier model folder (store/modelFolder.ts). */
export function writeFolder(dir: string, files: readonly EncodedFile[]): void {
  writeModelFolder(dir, files, new Set([...files.map((f) => f.name), ...MODEL_FOLDER_ENTRIES]));
}
