import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { DataSpec } from '../language/index.ts';
import { csvTargetIndex, dataFilePaths, parseIdxHeader, resolveDataPath } from './dataFiles.ts';

/**
 * The class labels a classifier's data files hold, read for the editor's check of the last layer against the data
 * (a `dense out 2` for labels 0–2 failed only once training had loaded the data, with advice about the data line).
 * The trainer reads the labels itself when it loads the data and checks them again (trainer/src/data/validate.ts).
 */
export interface DataClasses {
  /** The largest label: a classifier needs `largest + 1` outputs. */
  largest: number;
  /** How many different labels the files hold. */
  distinct: number;
  /** The file, as the spec writes it, that holds the largest label. */
  file: string;
}

/**
 * Files larger than this are not read for their labels in the editor (a check on every edit must stay cheap); the
 * trainer still checks them. An IDX label file is a byte per label, so 64 MiB is 64 million labels.
 */
const MAX_LABEL_BYTES = 64 * 1024 * 1024;

/** Each file's labels, kept while its size and modification time stay the same: the editor asks on every edit. */
const cache = new Map<string, { stamp: string; labels: Set<number> | undefined }>();
const MAX_CACHED = 32;

/**
 * The labels of a `csv` or `idx` data line's files, or undefined where they cannot all be read here: a missing,
 * unreadable or too large file, a CSV cell that is not a whole number from 0 (the trainer names such a cell; no
 * class count can be claimed from it). The built-in sets' class counts are the language's (language/check/data.ts).
 */
export function dataClasses(data: DataSpec, specDir: string): DataClasses | undefined {
  if (data.kind !== 'csv' && data.kind !== 'idx') return undefined;
  const files = dataFilePaths(data).filter((f) => f.role === 'labels' || f.role === 'testLabels' || f.role === 'file' || f.role === 'test');
  const all = new Set<number>();
  let best: DataClasses | undefined;
  for (const { written } of files) {
    const labels = labelsOf(resolveDataPath(written, specDir), data.kind, data.kind === 'csv' ? data.target : undefined);
    if (!labels) return undefined;
    for (const label of labels) {
      all.add(label);
      if (!best || label > best.largest) best = { largest: label, distinct: 0, file: written };
    }
  }
  return best && { ...best, distinct: all.size };
}

function labelsOf(path: string, kind: 'csv' | 'idx', target: string | undefined): Set<number> | undefined {
  let stamp: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_LABEL_BYTES) return undefined;
    stamp = `${kind}\0${target ?? ''}\0${stat.size}\0${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
  const cached = cache.get(path);
  if (cached?.stamp === stamp) return cached.labels;
  const labels = read(path, kind, target);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(path, { stamp, labels });
  return labels;
}

function read(path: string, kind: 'csv' | 'idx', target: string | undefined): Set<number> | undefined {
  let bytes: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      const size = statSync(path).size;
      bytes = Buffer.alloc(size);
      readSync(fd, bytes, 0, size, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  return kind === 'idx' ? idxLabels(bytes) : csvLabels(bytes.toString('utf8'), target);
}

/** A 1-D IDX file of unsigned bytes: each byte a label. */
function idxLabels(bytes: Uint8Array): Set<number> | undefined {
  const header = parseIdxHeader(bytes, bytes.length);
  if ('problem' in header || header.dims.length !== 1) return undefined;
  return new Set(bytes.subarray(header.header, header.header + header.dims[0]!));
}

/** The target column of a CSV file with a header row, every cell a whole number from 0. */
function csvLabels(text: string, target: string | undefined): Set<number> | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim());
  if (!header) return undefined;
  const index = csvTargetIndex(header, target);
  if (index < 0 || index >= header.length) return undefined;
  const labels = new Set<number>();
  for (let r = 1; r < lines.length; r++) {
    const cell = lines[r]!.split(',')[index]?.trim();
    const value = cell === undefined || cell === '' ? NaN : Number(cell);
    if (!Number.isInteger(value) || value < 0) return undefined;
    labels.add(value);
  }
  return labels;
}
