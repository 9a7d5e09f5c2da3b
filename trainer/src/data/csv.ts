import { readFileSync } from 'node:fs';
import { DataError, splitRows, type Dataset } from './dataset.ts';

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
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
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
  rows.forEach((row, r) => {
    const cells = row.split(',');
    if (cells.length !== header.length) throw new DataError(`${path}:${r + 2}: expected ${header.length} cells, found ${cells.length}`);
    let f = 0;
    cells.forEach((cell, c) => {
      const value = Number(cell.trim());
      if (cell.trim() === '' || !Number.isFinite(value)) {
        throw new DataError(`${path}:${r + 2}: expected a number in column ${header[c]}, found ${JSON.stringify(cell.trim())}`);
      }
      if (c === targetIndex) y[r] = value;
      else x[r * features + f++] = value;
    });
  });
  const testCount = Math.max(1, Math.round(rows.length * testSplit));
  const trainCount = rows.length - testCount;
  const dataset = splitRows(x, y, features, trainCount);
  if (classify) dataset.classes = Math.max(...y) + 1;
  return dataset;
}
