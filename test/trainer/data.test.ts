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

describe('a CSV spec with its own test file: `data csv "train.csv" test="test.csv"`', () => {
  const load = (data: string, dir: string, task = 'classify', limit?: number) =>
    loadDataset(analyze(`model m {\n  data ${data}\n  task ${task}\n  input 2\n  dense out 3\n}\n`).model!, dir, limit);

  it('trains on every row of the first file and tests on the rows of the second, in file order', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train.csv'), 'a,b,y\n1,2,0\n\n3,4,1\n5,6,0\n7,8,1\n');
    writeFileSync(join(dir, 'test.csv'), 'a, b ,y\n9,10,2\n11,12,0\n');
    const d = load('csv "train.csv" target=y test="test.csv"', dir);
    assert.equal(d.trainCount, 4, 'no row of train.csv held out');
    assert.equal(d.testCount, 2);
    assert.deepEqual([...d.trainX], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([...d.trainY], [0, 1, 0, 1]);
    assert.deepEqual([...d.testX], [9, 10, 11, 12]);
    assert.deepEqual([...d.testY], [2, 0]);
    assert.equal(d.classes, 3, 'the classes of both files: the label 2 is only in the test file');
    // Rows are named by their own file and line (the blank line counts).
    assert.equal(d.origin?.train.locate(1), `${join(dir, 'train.csv')}:4 (column y)`);
    assert.equal(d.origin?.test.locate(1), `${join(dir, 'test.csv')}:3 (column y)`);
    // --limit cuts the training rows only.
    const limited = load('csv "train.csv" target=y test="test.csv"', dir, 'classify', 2);
    assert.deepEqual([limited.trainCount, limited.testCount], [2, 2]);
  });

  it('refuses a test file that is missing, has another header, or a bad cell, naming the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train.csv'), 'a,b,y\n1,2,0\n3,4,1\n');
    writeFileSync(join(dir, 'swapped.csv'), 'b,a,y\n1,2,0\n');
    writeFileSync(join(dir, 'bad.csv'), 'a,b,y\n1,x,0\n');
    writeFileSync(join(dir, 'empty.csv'), 'a,b,y\n');
    assert.throws(() => load('csv "train.csv" test="nope.csv"', dir), new RegExp(`${join(dir, 'nope.csv')}: expected a CSV file, found no such file`));
    assert.throws(() => load('csv "train.csv" test="swapped.csv"', dir), /swapped\.csv: expected the header of .*train\.csv \(a, b, y\), found b, a, y/);
    assert.throws(() => load('csv "train.csv" test="bad.csv"', dir), /bad\.csv:2: expected a number in column b, found "x"/);
    assert.throws(() => load('csv "train.csv" test="empty.csv"', dir), /empty\.csv: expected a header row and at least 1 data row, found 1 non-empty line/);
  });
});
