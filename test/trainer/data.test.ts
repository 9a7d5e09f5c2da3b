import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../language/index.ts';
import { loadDataset } from '../../trainer/src/data/load.ts';
import { tempDir } from '../helpers/tempDir.ts';

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

describe('--limit cuts the training rows of every data set; the test set stays whole', () => {
  const counts = (data: string, input: string, dir: string, limit?: number) => {
    const d = loadDataset(analyze(`model m {\n  data ${data}\n  input ${input}\n  dense out 3\n}\n`).model!, dir, limit);
    return { train: d.trainCount, test: d.testCount, x: d.trainX.length / d.trainCount, y: d.trainY.length };
  };

  it('csv (the limit was ignored: a 200-row file trained on all 160 rows)', () => {
    const dir = tempDir();
    const rows = ['a,b,y', ...Array.from({ length: 200 }, (_, i) => `${i},${i % 7},${i % 3}`)];
    writeFileSync(join(dir, 't.csv'), rows.join('\n') + '\n');
    assert.deepEqual(counts('csv "t.csv" target=y', '2', dir), { train: 160, test: 40, x: 2, y: 160 });
    assert.deepEqual(counts('csv "t.csv" target=y', '2', dir, 50), { train: 50, test: 40, x: 2, y: 50 });
  });

  it('sparse-regression (ignored too)', () => {
    assert.deepEqual(counts('sparse-regression samples=400 features=10 informative=2', '10', '.', 30), { train: 30, test: 200, x: 10, y: 30 });
  });

  it('idx without test files: split first, then the limit (it was applied before the split, shrinking the test set)', () => {
    const dir = tempDir();
    idx(join(dir, 'images.idx'), [100, 4]);
    idx(join(dir, 'labels.idx'), [100]);
    assert.deepEqual(counts('idx "images.idx" "labels.idx"', '4', dir, 10), { train: 10, test: 20, x: 4, y: 10 });
  });

  it('synthetic: the same generated test set with and without a limit', () => {
    const whole = counts('synthetic samples=64 classes=3', '5', '.');
    assert.deepEqual(counts('synthetic samples=64 classes=3', '5', '.', 8), { ...whole, train: 8, y: 8 });
  });
});
