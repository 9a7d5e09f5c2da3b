import { readFileSync, statSync } from 'node:fs';
import { parseIdxHeader } from '../../../store/dataFiles.ts';
import { DataError, type RowOrigin } from './dataset.ts';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Reads an IDX file of unsigned bytes (the MNIST format): magic 0x00 0x00 0x08 NDIMS, then NDIMS
 * big-endian uint32 sizes, then the data. Every way the file can be wrong is a DataError naming it.
 */
export function readIdx(path: string): IdxArray {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new DataError(`${path}: expected an IDX file, found a directory`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof DataError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(`${path}: expected an IDX file, found ${code === 'ENOENT' ? 'no such file' : `an unreadable file (${code})`}`);
  }
  const parsed = parseIdxHeader(bytes, bytes.length);
  if ('problem' in parsed) throw new DataError(`${path}: ${parsed.problem}`);
  const { dims, header } = parsed;
  const size = dims.reduce((a, b) => a * b, 1);
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, size) };
}

/** Images scaled to [0, 1] (as the seed's input_data does), labels as float class indices. */
export function idxImagesAndLabels(
  imagesPath: string,
  labelsPath: string,
  limit?: number,
): { x: Float32Array; y: Float32Array; count: number; imageDims: number[] } {
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (images.dims.length < 2) throw new DataError(`${imagesPath}: expected images with at least 2 dimensions, found ${images.dims.length}`);
  if (labels.dims.length !== 1) throw new DataError(`${labelsPath}: expected a 1-D label file, found ${labels.dims.length} dimensions`);
  if (labels.dims[0] !== images.dims[0]) {
    throw new DataError(`${labelsPath}: expected ${images.dims[0]} labels to match ${imagesPath}, found ${labels.dims[0]}`);
  }
  const count = Math.min(images.dims[0]!, limit ?? Infinity);
  const per = images.dims.slice(1).reduce((a, b) => a * b, 1);
  const x = new Float32Array(count * per);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) y[i] = labels.data[i]!;
  return { x, y, count, imageDims: images.dims.slice(1) };
}

/** Rows of an IDX set whose labels start at `offset` in `file`. */
export function labelOrigin(file: string, offset: number): RowOrigin {
  return { file, locate: (i) => `${file} at label index ${offset + i}` };
}
