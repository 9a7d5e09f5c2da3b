/**
 * The formats a model is written in (docs/export.md), one row each: what `dropneuron export --format` takes, what
 * the summary's files are keyed by, how the editor offers them and names their files. The trainer writes each
 * through its own file behind one interface (`FORMATS` in trainer/src/export/registry.ts has one entry per row);
 * the client's format pick, the server's parameter check and the CLI's flag read this table. Pure: no Node.
 */

interface FormatFacts {
  /** What `--format` takes and `ExportedFile.format` says. */
  readonly id: string;
  /** How the editor names it (the format pick, the progress and save dialog titles). */
  readonly label: string;
  /** One line under the label in the editor's format pick. */
  readonly detail: string;
  /**
   * Whether the written model reads the spec's whole input and picks the compact model's kept inputs itself;
   * if not, its input is the kept inputs (kept-inputs.json lists them).
   */
  readonly picksKeptInputs: boolean;
}

/** A format written as one file (and maybe files beside it, named after it). */
export interface FileFormatFacts extends FormatFacts {
  readonly kind: 'file';
  /** The file's extension ('.onnx'): a target with it is in this format (`exportFormatOfExtension`). */
  readonly extension: string;
  /** How a save dialog's file-type filter names these files. */
  readonly filterName: string;
  /** Files written beside the model's file and named after it (model.py beside model.safetensors): by role, their extension. */
  readonly beside?: Readonly<Record<string, string>>;
}

/** A format written as a folder of files; a run's model/ and compact/ folders are this format's folders. */
export interface FolderFormatFacts extends FormatFacts {
  readonly kind: 'folder';
  /** The folder the editor's save dialog proposes inside a run's compact/ (which itself holds the run's model in this format). */
  readonly suggestedFolder: string;
}

export type ModelFormatFacts = FileFormatFacts | FolderFormatFacts;

/** Every format, in the order the CLI's help and the editor's pick list them. */
export const MODEL_FORMATS = [
  {
    id: 'onnx',
    kind: 'file',
    label: 'ONNX',
    detail: 'model.onnx: one file for onnxruntime, TensorRT, OpenVINO, …',
    extension: '.onnx',
    filterName: 'ONNX',
    picksKeptInputs: true,
  },
  {
    id: 'safetensors',
    kind: 'file',
    label: 'PyTorch (safetensors)',
    detail: 'model.safetensors and a model.py beside it that builds the nn.Sequential and loads it',
    extension: '.safetensors',
    filterName: 'safetensors',
    beside: { python: '.py' },
    picksKeptInputs: true,
  },
  {
    id: 'tfjs',
    kind: 'folder',
    label: 'TensorFlow.js',
    detail: 'a folder with model.json and weights.bin',
    suggestedFolder: 'compact-tfjs',
    picksKeptInputs: false,
  },
] as const satisfies readonly ModelFormatFacts[];

type Row = (typeof MODEL_FORMATS)[number];
type FileRow = Extract<Row, { kind: 'file' }>;

export type ExportFormat = Row['id'];
/** The formats written as one file (beside the folder format's files in a model folder). */
export type FileExportFormat = FileRow['id'];
/** The formats' ids: `dropneuron export --format`, the summary's files. */
export const EXPORT_FORMATS: readonly ExportFormat[] = MODEL_FORMATS.map((f) => f.id);

/** The files a file format writes, by role: its own file under its id, the files beside it under their `beside` key. */
export type ModelFileRole = FileExportFormat | BesideFileRole;
/** The files written beside a model's file (`python`: model.py). */
export type BesideFileRole = FileRow extends infer R ? (R extends { beside: infer B } ? keyof B & string : never) : never;

/** A format's row, as written in the table. */
export type ModelFormatRow<F extends ExportFormat = ExportFormat> = { [R in Row as R['id']]: R }[F];

/** The row of a format. */
export function modelFormat<F extends ExportFormat>(id: F): ModelFormatRow<F> {
  return MODEL_FORMATS.find((f) => f.id === id) as ModelFormatRow<F>;
}

/** A file format's file in a model folder (a run's compact/ or model/): `model.onnx`. */
export function modelFileName(format: FileFormatFacts): string {
  return `model${format.extension}`;
}

/** The format a target's extension (`.onnx`, any case) says; any other extension, or none, is the folder format's folder. */
export function exportFormatOfExtension(extension: string): ExportFormat {
  const lower = extension.toLowerCase();
  const match = MODEL_FORMATS.find((f) => f.kind === 'file' && f.extension === lower) ?? MODEL_FORMATS.find((f) => f.kind === 'folder')!;
  return match.id;
}
