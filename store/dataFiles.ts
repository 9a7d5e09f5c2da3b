import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { DataSpec, Shape } from '../language/index.ts';
import { csvTestRows, idxTrainRows } from '../protocol/dataSize.ts';

/**
 * What a spec's data files must be, checked against the file system before anything trains: the one definition
 * the language server (diagnostics on the `data` line, as the user types) and the trainer (one error naming every
 * problem, before loading) share. Reads headers only: an IDX file's first bytes and its size, a CSV file's first line.
 */

/** Which of a `data` line's paths: the positional files of `idx` and `csv`, or a test option (`idx`'s two, `csv`'s `test=`). */
export type DataFileRole = 'images' | 'labels' | 'testImages' | 'testLabels' | 'file' | 'test';

export interface DataFileProblem {
  role: DataFileRole;
  /** The path as the spec writes it. */
  written: string;
  /** The path relative to the spec's folder, resolved. */
  path: string;
  /** One sentence: the resolved path, what was expected, what was found. */
  message: string;
  /** What a quick fix needs, where one can help: the file is not there; the target is not among the file's columns; the data's shape of one sample is not the spec's `input`. */
  remedy?: DataFileRemedy;
}

export type DataFileRemedy = { kind: 'missing' } | { kind: 'target'; columns: string[] } | { kind: 'input'; shape: number[] };

/** The IDX header of unsigned bytes (the MNIST format): magic 0x00 0x00 0x08 NDIMS, then NDIMS big-endian uint32 sizes. */
export interface IdxHeader {
  dims: number[];
  /** Header length in bytes: where the data starts. */
  header: number;
}

/** The largest header: magic and four sizes. */
const MAX_IDX_HEADER = 4 + 4 * 4;
/** Enough of a CSV file to hold its header row. */
const CSV_HEADER_BYTES = 64 * 1024;

/**
 * Reads an IDX header from the file's first bytes and checks it against the file's length: a problem (a sentence
 * after the path) or the header. Shared by the trainer's reader and the editor's check.
 */
export function parseIdxHeader(bytes: Uint8Array, fileLength: number): IdxHeader | { problem: string } {
  if (bytes.length < 4) return { problem: `expected an IDX header of at least 4 bytes, found ${fileLength}` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = (magic >> 8) & 0xff;
  const ndims = magic & 0xff;
  if (magic >>> 16 !== 0 || type !== 0x08 || ndims < 1 || ndims > 4) {
    return { problem: `expected IDX magic 0x000008NN (unsigned bytes, 1-4 dimensions), found 0x${magic.toString(16).padStart(8, '0')}` };
  }
  const header = 4 + 4 * ndims;
  if (bytes.length < header) return { problem: `expected a ${header}-byte header, found a ${fileLength}-byte file` };
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (fileLength - header < size) {
    return { problem: `expected ${size} data bytes for dimensions ${dims.join('x')}, found ${fileLength - header} (truncated file)` };
  }
  return { dims, header };
}

/** The first `limit` bytes of a regular file and its length, or what the path is instead (no such file, a directory). */
function head(path: string, what: string, limit: number): { bytes: Uint8Array; length: number } | { problem: string; missing?: true } {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { problem: `expected ${what}, found a directory` };
    if (!stat.isFile()) return { problem: `expected ${what}, found a special file` };
    const fd = openSync(path, 'r');
    try {
      const bytes = new Uint8Array(Math.min(limit, stat.size));
      const read = readSync(fd, bytes, 0, bytes.length, 0);
      return { bytes: bytes.subarray(0, read), length: stat.size };
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { problem: `expected ${what}, found no such file`, missing: true };
    return { problem: `expected ${what}, found an unreadable file (${code ?? String(error)})` };
  }
}

/** A CSV file's header row, its column names trimmed, or what the file is instead. */
export function csvHeader(path: string): { header: string[] } | { problem: string; missing?: true } {
  const read = head(path, 'a CSV file', CSV_HEADER_BYTES);
  if ('problem' in read) return read;
  const first = new TextDecoder().decode(read.bytes).split(/\r?\n/)[0] ?? '';
  if (first.trim() === '') return { problem: 'expected a header row of column names, found an empty first line' };
  return { header: first.split(',').map((h) => h.trim()) };
}

/**
 * The input columns of a CSV header, by index in the file's order: every column but the target, or those
 * `columns=` names (the target not among them); a sentence naming what is not there instead. Shared by the editor's
 * check and the trainer's reader.
 */
export function csvInputColumns(
  header: readonly string[],
  targetIndex: number,
  columns: readonly string[] | undefined,
): { inputs: number[] } | { problem: string } {
  if (!columns) return { inputs: header.map((_, i) => i).filter((i) => i !== targetIndex) };
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length) {
    return { problem: `expected the \`columns=\` ${missing.map((c) => JSON.stringify(c)).join(', ')} among ${header.join(', ')}, found none of that name` };
  }
  if (columns.includes(header[targetIndex]!))
    return { problem: `expected \`columns=\` without the target column ${JSON.stringify(header[targetIndex])}, found it listed` };
  return { inputs: header.map((h, i) => (columns.includes(h) ? i : -1)).filter((i) => i >= 0) };
}

/** The column of a CSV header that `target=` names: by name, by 0-based index, or the last column when absent; -1 or past the end when none. */
export function csvTargetIndex(header: readonly string[], target: string | undefined): number {
  return target === undefined ? header.length - 1 : /^\d+$/.test(target) ? Number(target) : header.indexOf(target);
}

/** The paths a data spec reads, by role, as written (none for mnist and the generated sets). */
export function dataFilePaths(data: DataSpec): { role: DataFileRole; written: string }[] {
  switch (data.kind) {
    case 'idx':
      return [
        { role: 'images', written: data.images },
        { role: 'labels', written: data.labels },
        ...(data.testImages !== undefined ? [{ role: 'testImages' as const, written: data.testImages }] : []),
        ...(data.testLabels !== undefined ? [{ role: 'testLabels' as const, written: data.testLabels }] : []),
      ];
    case 'csv':
      return [{ role: 'file', written: data.file }, ...(data.test !== undefined ? [{ role: 'test' as const, written: data.test }] : [])];
    default:
      return [];
  }
}

/** A spec's path resolved against its folder (absolute paths stay as they are). */
export function resolveDataPath(written: string, specDir: string): string {
  return isAbsolute(written) ? written : resolve(specDir, written);
}

/**
 * Every problem with the files a data spec names, each file checked on its own (so that every missing file is
 * named, not the first): missing files, directories, IDX files with a wrong magic, a short header or truncated
 * data, images and labels that disagree in count or with the spec's `input`, a CSV file without a header row or
 * without its `target=` column, or with a column count that differs from `input`, a `test=` CSV file whose header
 * is not the training file's. Empty when the files fit.
 */
export function checkDataFiles(data: DataSpec, input: Shape | undefined, specDir: string): DataFileProblem[] {
  const problems: DataFileProblem[] = [];
  const files = dataFilePaths(data).map((f) => ({ ...f, path: resolveDataPath(f.written, specDir) }));
  const say = (file: (typeof files)[number], sentence: string, remedy?: DataFileRemedy): void => {
    problems.push({ ...file, message: `${file.path}: ${sentence}`, ...(remedy ? { remedy } : {}) });
  };
  const missing = (read: { missing?: true }): DataFileRemedy | undefined => (read.missing ? { kind: 'missing' } : undefined);
  const inputSize = input?.reduce((a, b) => a * b, 1);
  if (data.kind === 'idx') {
    const headers = new Map<DataFileRole, IdxHeader>();
    for (const file of files) {
      const read = head(file.path, 'an IDX file', MAX_IDX_HEADER);
      const parsed = 'problem' in read ? read : parseIdxHeader(read.bytes, read.length);
      if ('problem' in parsed) say(file, parsed.problem, 'problem' in read ? missing(read) : undefined);
      else headers.set(file.role, parsed);
    }
    const byRole = (role: DataFileRole) => files.find((f) => f.role === role)!;
    for (const [imagesRole, labelsRole] of [
      ['images', 'labels'],
      ['testImages', 'testLabels'],
    ] as const) {
      const images = headers.get(imagesRole);
      const labels = headers.get(labelsRole);
      if (images && images.dims.length < 2) say(byRole(imagesRole), `expected images with at least 2 dimensions, found ${images.dims.length}`);
      else if (images && inputSize !== undefined) {
        const per = images.dims.slice(1).reduce((a, b) => a * b, 1);
        if (per !== inputSize) {
          say(byRole(imagesRole), `expected images of ${input!.join('x')} values as the spec's \`input\` says, found ${images.dims.slice(1).join('x')}`, {
            kind: 'input',
            shape: images.dims.slice(1),
          });
        }
      }
      if (labels && labels.dims.length !== 1) say(byRole(labelsRole), `expected a 1-D label file, found ${labels.dims.length} dimensions`);
      else if (images && labels && labels.dims[0] !== images.dims[0]) {
        say(byRole(labelsRole), `expected ${images.dims[0]} labels to match ${byRole(imagesRole).path}, found ${labels.dims[0]}`);
      }
    }
  } else if (data.kind === 'csv') {
    const [train, test] = files;
    const headerOf = (file: (typeof files)[number]): string[] | undefined => {
      const read = csvHeader(file.path);
      if ('problem' in read) return void say(file, read.problem, missing(read));
      return read.header;
    };
    const trainHeader = headerOf(train!);
    const testHeader = test && headerOf(test);
    // A test file must read as the training file does: the same columns, in the same order.
    if (test && trainHeader && testHeader && testHeader.join(',') !== trainHeader.join(',')) {
      say(test, `expected the header of ${train!.path} (${trainHeader.join(', ')}), found ${testHeader.join(', ')}`);
    }
    // The target and the input count, on the training file's header, else (unreadable) on the test file's.
    const header = trainHeader ?? testHeader;
    const file = trainHeader ? train! : test;
    if (header && file) {
      const target = data.target;
      const index = csvTargetIndex(header, target);
      if (index < 0 || index >= header.length) {
        say(file, `expected a target column ${JSON.stringify(target)} among ${header.join(', ')}, found none`, { kind: 'target', columns: header });
      } else {
        const columns = csvInputColumns(header, index, data.columns);
        if ('problem' in columns) say(file, columns.problem);
        else if (inputSize !== undefined && columns.inputs.length !== inputSize) {
          say(file, `expected ${input!.join('x')} input columns as the spec's \`input\` says, found ${columns.inputs.length}`, {
            kind: 'input',
            shape: [columns.inputs.length],
          });
        }
      }
    }
  }
  return problems;
}

/** An entry of a folder a spec's data path may name: what path completion offers. */
export interface DataFolderEntry {
  name: string;
  folder: boolean;
}

/** Path completion lists at most this many entries of a folder (a folder of 100 000 images is not a list). */
const MAX_FOLDER_ENTRIES = 1000;

/**
 * The entries of the folder a data path being written names (`folder`: its text up to the last `/`, as written,
 * relative to the spec's folder or absolute), folders first, then files, each by name; names starting with `.`
 * only where `hidden`. Empty when the folder cannot be read.
 */
/**
 * How many training and test samples the files give, read cheaply: an IDX file's count from its header, a CSV
 * file's rows only when it is small (at most CSV_HEADER_BYTES, what the header check reads anyway: a larger one is
 * not a tiny data set). Undefined when a file cannot be read or is too large to count here.
 */
export function dataSampleCounts(data: DataSpec, specDir: string): { train: number; test: number } | undefined {
  const count = (written: string, kind: 'idx' | 'csv'): number | undefined => {
    const path = resolveDataPath(written, specDir);
    const read = head(path, kind === 'idx' ? 'an IDX file' : 'a CSV file', kind === 'idx' ? MAX_IDX_HEADER : CSV_HEADER_BYTES);
    if ('problem' in read) return undefined;
    if (kind === 'idx') {
      const header = parseIdxHeader(read.bytes, read.length);
      return 'problem' in header ? undefined : header.dims[0];
    }
    if (read.length > CSV_HEADER_BYTES) return undefined;
    return (
      new TextDecoder()
        .decode(read.bytes)
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '').length - 1
    );
  };
  if (data.kind === 'csv') {
    const rows = count(data.file, 'csv');
    if (rows === undefined) return undefined;
    if (data.test === undefined) return { train: rows - csvTestRows(rows, data.testSplit), test: csvTestRows(rows, data.testSplit) };
    const test = count(data.test, 'csv');
    return test === undefined ? undefined : { train: rows, test };
  }
  if (data.kind === 'idx') {
    const labels = count(data.labels, 'idx');
    if (labels === undefined) return undefined;
    if (data.testLabels === undefined) return { train: idxTrainRows(labels), test: labels - idxTrainRows(labels) };
    const test = count(data.testLabels, 'idx');
    return test === undefined ? undefined : { train: labels, test };
  }
  return undefined;
}

export function listDataFolder(specDir: string, folder: string, hidden = false): DataFolderEntry[] {
  const dir = resolveDataPath(folder === '' ? '.' : folder, specDir);
  let found;
  try {
    found = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const entries: DataFolderEntry[] = [];
  for (const entry of found) {
    if (entries.length >= MAX_FOLDER_ENTRIES) break;
    if (!hidden && entry.name.startsWith('.')) continue;
    // A link counts as what it points to (a folder of data linked in is a folder); a dangling one is left out.
    let isFolder = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      try {
        isFolder = statSync(resolve(dir, entry.name)).isDirectory();
      } catch {
        continue;
      }
    }
    entries.push({ name: entry.name, folder: isFolder });
  }
  return entries.sort((a, b) => Number(b.folder) - Number(a.folder) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
