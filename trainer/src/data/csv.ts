import { readFileSync } from 'node:fs';
import { DataError, maxOf, splitRows, type Dataset } from './dataset.ts';

/** The largest magnitude a float32 holds: a CSV value beyond it would train as Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * A CSV file with a header row; every column but the target is an input. The last `testSplit` of the
 * rows is the test set (kept in file order, so results do not depend on a shuffle).
 */
export function loadCsv(path: string, target: string | undefined, testSplit: number, classify: boolean): Dataset {
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
  if (lines.length < 3) throw new DataError(`${path}: expected a header row and at least 2 data rows, found ${lines.length} non-empty lines`);
  const header = lines[0]!.split(',').map((h) => h.trim());
  const targetIndex = target === undefined ? header.length - 1 : /^\d+$/.test(target) ? Number(target) : header.indexOf(target);
  if (targetIndex < 0 || targetIndex >= header.length) {
    throw new DataError(`${path}: expected a target column ${JSON.stringify(target)} among ${header.join(', ')}, found none`);
  }
  const rows = lines.slice(1);
  const features = header.length - 1;
  const x = new Float32Array(rows.length * features);
  const y = new Float32Array(rows.length);
  const line = (r: number): number => lineOf[r + 1]!;
  rows.forEach((row, r) => {
    const cells = row.split(',');
    if (cells.length !== header.length) throw new DataError(`${path}:${line(r)}: expected ${header.length} cells, found ${cells.length}`);
    let f = 0;
    cells.forEach((cell, c) => {
      const value = Number(cell.trim());
      if (cell.trim() === '' || !Number.isFinite(value)) {
        throw new DataError(`${path}:${line(r)}: expected a number in column ${header[c]}, found ${JSON.stringify(cell.trim())}`);
      }
      if (Math.abs(value) > FLOAT32_MAX) {
        throw new DataError(`${path}:${line(r)}: expected a number within ±3.4e38 (what float32 holds) in column ${header[c]}, found ${cell.trim()}`);
      }
      if (c === targetIndex) y[r] = value;
      else x[r * features + f++] = value;
    });
  });
  const testCount = Math.max(1, Math.round(rows.length * testSplit));
  const trainCount = rows.length - testCount;
  const dataset = splitRows(x, y, features, trainCount);
  const column = header[targetIndex]!;
  dataset.origin = {
    train: { file: path, locate: (i) => `${path}:${line(i)} (column ${column})` },
    test: { file: path, locate: (i) => `${path}:${line(trainCount + i)} (column ${column})` },
  };
  if (classify) dataset.classes = maxOf(y) + 1;
  return dataset;
}
