import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../language/index.ts';
import { loadDataset } from '../../trainer/src/data/load.ts';
import { tempDir } from './helpers.ts';

/** An IDX file of unsigned bytes with the given dimensions, all zero. */
function idx(path: string, dims: number[]): void {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  writeFileSync(path, Buffer.concat([header, Buffer.alloc(dims.reduce((a, b) => a * b, 1))]));
}

const modelOf = (data: string, input: string) => analyze(`model m {\n  data ${data}\n  input ${input}\n  flatten\n  dense out 2\n}\n`).model!;

describe('the image shape of a data set (for the epoch events’ input mask)', () => {
  it('comes from the IDX header of image files', () => {
    const dir = tempDir();
    idx(join(dir, 'images.idx'), [10, 2, 3]);
    idx(join(dir, 'flat.idx'), [10, 6]);
    idx(join(dir, 'labels.idx'), [10]);
    assert.deepEqual(loadDataset(modelOf('idx "images.idx" "labels.idx"', '6'), dir).imageShape, [2, 3]);
    // Rows of 6 values are not images, whatever their count.
    assert.equal(loadDataset(modelOf('idx "flat.idx" "labels.idx"', '6'), dir).imageShape, undefined);
  });

  it('comes from an input declared HxWx1, whatever the data', () => {
    assert.deepEqual(loadDataset(modelOf('synthetic samples=8 classes=2', '4x5x1'), '.').imageShape, [4, 5]);
    assert.equal(loadDataset(modelOf('synthetic samples=8 classes=2', '20'), '.').imageShape, undefined);
    assert.equal(loadDataset(modelOf('synthetic samples=8 classes=2', '4x5x3'), '.').imageShape, undefined);
  });

  it('is 28x28 for mnist', () => {
    assert.deepEqual(loadDataset(modelOf('mnist limit=10', '784'), '.').imageShape, [28, 28]);
  });
});
