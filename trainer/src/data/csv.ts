import { readFileSync } from 'node:fs';
import { DataError, fromSets, maxOf, splitRows, type Dataset, type Rows } from './dataset.ts';
import { csvTestRows } from '../../../protocol/dataSize.ts';
import { csvInputColumns, csvTargetIndex } from '../../../store/dataFiles.ts';

/** The largest magnitude a float32 holds: a CSV value beyond it would train as Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

export interface CsvOptions {
  /** The target column, by name or 0-based index; the last column when absent. */
  target?: string | undefined;
  /** The share of the rows held out for testing, from the end of the file (without `test`). */
  testSplit: number;
  /** A second file, with the same header, whose rows are the test set: every row of the first then trains. */
  test?: string | undefined;
  /** The input columns by name (`columns=`), read in the file's order; every column but the target when absent. */
  columns?: readonly string[] | undefined;
  classify: boolean;
}

/** One CSV file read: its header, its rows as inputs and targets, and where each row is in the file. */
interface CsvRows extends Rows {
  header: string[];
  targetIndex: number;
  /** The input columns' indices in the header, in the file's order. */
  inputs: number[];
  /** The line in the file of data row `r`, for messages. */
  line(r: number): number;
}

/**
 * A CSV file with a header row; every column but the target is an input. The test set is the rows of `test`,
 * a second file with the same header, or else the last `testSplit` of the rows (kept in file order, so results do
 * not depend on a shuffle).
 */
export function loadCsv(path: string, options: CsvOptions): Dataset {
  const train = readCsv(path, options.target, options.columns, options.test === undefined ? 3 : 2);
  const column = train.header[train.targetIndex]!;
  let dataset: Dataset;
  if (options.test === undefined) {
    const testCount = csvTestRows(train.count, options.testSplit);
    const trainCount = train.count - testCount;
    dataset = splitRows(train.x, train.y, train.inputs.length, trainCount);
    dataset.origin = {
      train: { file: path, locate: (i) => `${path}:${train.line(i)} (column ${column})` },
      test: { file: path, locate: (i) => `${path}:${train.line(trainCount + i)} (column ${column})` },
    };
  } else {
    const testPath = options.test;
    const test = readCsv(testPath, options.target, options.columns, 2);
    if (test.header.join(',') !== train.header.join(',')) {
      throw new DataError(`${testPath}: expected the header of ${path} (${train.header.join(', ')}), found ${test.header.join(', ')}`);
    }
    dataset = {
      ...fromSets([train.inputs.length], train, test),
      origin: {
        train: { file: path, locate: (i) => `${path}:${train.line(i)} (column ${column})` },
        test: { file: testPath, locate: (i) => `${testPath}:${test.line(i)} (column ${column})` },
      },
    };
  }
  if (options.classify) dataset.classes = maxOf(dataset.trainY, dataset.testY) + 1;
  // The order readCsv reads a row's features in: the input columns in the file's order.
  dataset.inputNames = train.inputs.map((i) => train.header[i]!);
  return dataset;
}

/** Reads one CSV file: a header row and at least `minLines - 1` data rows, every cell of a column it reads a float32 number. */
function readCsv(path: string, target: string | undefined, columns: readonly string[] | undefined, minLines: number): CsvRows {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(
      `${path}: expected a CSV file, found ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `an unreadable file (${code})`}`,
    );
  }
  // Blank lines are skipped; `lineOf` keeps each kept line's number in the file, for messages.
  const all = text.split(/\r?\n/);
  const lines: string[] = [];
  const lineOf: number[] = [];
  all.forEach((l, i) => {
    if (l.trim() === '') return;
    lines.push(l);
    lineOf.push(i + 1);
  });
  if (lines.length < minLines) {
    throw new DataError(
      `${path}: expected a header row and at least ${minLines - 1} data row${minLines > 2 ? 's' : ''}, found ${lines.length} non-empty line${lines.length === 1 ? '' : 's'}`,
    );
  }
  const header = lines[0]!.split(',').map((h) => h.trim());
  const targetIndex = csvTargetIndex(header, target);
  if (targetIndex < 0 || targetIndex >= header.length) {
    throw new DataError(`${path}: expected a target column ${JSON.stringify(target)} among ${header.join(', ')}, found none`);
  }
  const chosen = csvInputColumns(header, targetIndex, columns);
  if ('problem' in chosen) throw new DataError(`${path}: ${chosen.problem}`);
  // Each column's place in a sample's inputs, -1 for a column not read (and the target's, read apart).
  const place = new Int32Array(header.length).fill(-1);
  chosen.inputs.forEach((c, f) => (place[c] = f));
  const rows = lines.slice(1);
  const features = chosen.inputs.length;
  const x = new Float32Array(rows.length * features);
  const y = new Float32Array(rows.length);
  const line = (r: number): number => lineOf[r + 1]!;
  rows.forEach((row, r) => {
    const cells = row.split(',');
    if (cells.length !== header.length) throw new DataError(`${path}:${line(r)}: expected ${header.length} cells, found ${cells.length}`);
    cells.forEach((cell, c) => {
      // A column the spec does not read may hold anything (an id, a name).
      if (c !== targetIndex && place[c]! < 0) return;
      const value = Number(cell.trim());
      if (cell.trim() === '' || !Number.isFinite(value)) {
        throw new DataError(`${path}:${line(r)}: expected a number in column ${header[c]}, found ${JSON.stringify(cell.trim())}`);
      }
      if (Math.abs(value) > FLOAT32_MAX) {
        throw new DataError(`${path}:${line(r)}: expected a number within ±3.4e38 (what float32 holds) in column ${header[c]}, found ${cell.trim()}`);
      }
      if (c === targetIndex) y[r] = value;
      else x[r * features + place[c]!] = value;
    });
  });
  return { header, targetIndex, inputs: chosen.inputs, x, y, count: rows.length, line };
}
