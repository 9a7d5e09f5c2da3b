import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { TableFacts } from '../language/index.ts';
import { dataClasses } from './dataClasses.ts';
import { csvHeader } from './dataFiles.ts';

/** A target with more classes than this is taken for a value to predict (a price in whole euros is not 90 000 classes). */
const MAX_CLASSES = 100;
/** Rows are counted in files up to this size; a larger one gets the default batch. */
const MAX_COUNTED_BYTES = 64 * 1024 * 1024;

/**
 * What a new spec for the CSV file at `path` needs (language/tableSpec.ts), read from the file: its header, its
 * rows, whether its last column holds class labels, and a test file beside it (`train.csv` → `test.csv`, with the
 * same header). Paths as a spec in `specDir` writes them. A sentence instead where the file cannot be a table.
 */
export function tableFacts(path: string, specDir: string): TableFacts | { problem: string } {
  const read = csvHeader(path);
  if ('problem' in read) return { problem: `${path}: ${read.problem}` };
  const { header } = read;
  if (header.length < 2) return { problem: `${path}: expected a target column and at least one input column, found ${header.length} column` };
  const target = header.at(-1)!;
  const spec = (file: string): string => relative(specDir, file).split(sep).join('/') || basename(file);
  const testFile = siblingTest(path, header);
  const test = testFile ? spec(testFile) : undefined;
  const data = { kind: 'csv' as const, file: spec(path), target, testSplit: 0.2, ...(test ? { test } : {}) };
  const classes = dataClasses(data, specDir);
  const classify = classes && classes.largest >= 1 && classes.largest < MAX_CLASSES;
  return {
    fileName: basename(path),
    file: data.file,
    ...(test ? { test } : {}),
    target,
    inputs: header.length - 1,
    ...(classify ? { classes: classes.largest + 1 } : {}),
    rows: rowCount(path),
  };
}

/** `train.csv`'s `test.csv` (any case, anywhere in the name) when it is there and reads as the same table. */
function siblingTest(path: string, header: string[]): string | undefined {
  const name = basename(path);
  if (!/train/i.test(name)) return undefined;
  const candidate = join(
    dirname(path),
    name.replace(/train/i, (m) => (m === 'TRAIN' ? 'TEST' : m[0] === 'T' ? 'Test' : 'test')),
  );
  if (!existsSync(candidate)) return undefined;
  const other = csvHeader(candidate);
  return 'header' in other && other.header.join(',') === header.join(',') ? candidate : undefined;
}

/** Non-empty lines after the header; 0 when the file is too large to count here. */
function rowCount(path: string): number {
  try {
    if (statSync(path).size > MAX_COUNTED_BYTES) return 0;
    return (
      readFileSync(path, 'utf8')
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '').length - 1
    );
  } catch {
    return 0;
  }
}
