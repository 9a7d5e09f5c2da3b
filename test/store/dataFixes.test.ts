import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze, applyEdits } from '../../language/index.ts';
import { dataDiagnostics, type DataDiagnostic } from '../../store/dataDiagnostics.ts';
import { tempDir } from '../helpers/tempDir.ts';

// Issue 29: a wrong data path offers the files that are there, a wrong target the file's columns, a wrong `input`
// the data's count: each DNN311 of the spec's data files carries its quick fixes.

/** A CSV of 40 rows: enough to learn from (fewer is a DNN223 of its own). */
const csv = (header: string): string => `${header}\n${`${header.replace(/[^,]+/g, '1')}\n`.repeat(40)}`;

/** An IDX file of unsigned bytes: its header, then zeros. */
function idx(dims: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.alloc(dims.reduce((a, b) => a * b, 1))]);
}

/** The spec's data diagnostics, and each fix as its title and the line it changes, as the fix leaves it. */
function fixes(dir: string, text: string): { message: string; fixes: [string, string | undefined][] }[] {
  const before = text.split('\n');
  return dataDiagnostics(analyze(text), join(dir, 'spec.dnn')).map((d: DataDiagnostic) => ({
    message: d.message.slice(dir.length + 1),
    fixes: (d.fixes ?? []).map((f) => [
      f.title,
      applyEdits(text, f.edits)
        .split('\n')
        .find((line, i) => line !== before[i]),
    ]),
  }));
}

const spec = (data: string, input = '2') => `model m {\n  ${data}\n  input ${input}\n  dense out 1\n}\n`;

describe('the quick fixes of the data files’ diagnostics (store/dataDiagnostics.ts)', () => {
  it('a path that names no file: the files of its folder with its extension, the nearest name first; not the spec’s other files', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    for (const name of ['train.csv', 'test.csv', 'tabel.csv', 'houses.CSV']) writeFileSync(join(dir, 'data', name), csv('a,b,y'));
    writeFileSync(join(dir, 'data', 'notes.txt'), 'not data');
    mkdirSync(join(dir, 'data', 'raw.csv'));
    const text = spec('data csv "data/table.csv" target=y test="data/test.csv"');
    const [missing, ...rest] = dataDiagnostics(analyze(text), join(dir, 'spec.dnn'));
    assert.equal(rest.length, 0);
    assert.equal(missing!.message, `${join(dir, 'data', 'table.csv')}: expected a CSV file, found no such file`);
    assert.deepEqual(
      missing!.fixes?.map((f) => f.title),
      ['Change to `data/tabel.csv`', 'Change to `data/train.csv`', 'Change to `data/houses.CSV`'],
      'no .txt, no folder, not test.csv (the spec’s test file)',
    );
    const [first] = missing!.fixes!;
    assert.equal(applyEdits(text, first!.edits).split('\n')[1], '  data csv "data/tabel.csv" target=y test="data/test.csv"');
    assert.deepEqual(first!.edits[0]!.range, missing!.range, 'the path as written is replaced');
  });

  it('IDX files without an extension: the folder’s files without one; a folder that is not there: no fix', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx([30, 2, 2]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([30]));
    writeFileSync(join(dir, 'readme.md'), '');
    const text = spec('data idx "train-images-idx3-ubyte" "train-labels-idx1-ubye"', '4');
    assert.deepEqual(
      dataDiagnostics(analyze(text), join(dir, 'spec.dnn')).map((d) => d.fixes?.map((f) => f.title)),
      [['Change to `train-labels-idx1-ubyte`']],
      'the labels’ candidates leave out the images the spec already reads',
    );
    assert.deepEqual(
      dataDiagnostics(analyze(spec('data csv "nowhere/t.csv"')), join(dir, 'spec.dnn')).map((d) => d.fixes),
      [undefined],
    );
  });

  it('a target that is not a column: the file’s columns, the nearest name first, then the last one', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 't.csv'), csv('rooms,area,age,prices'));
    const text = spec('data csv "t.csv" target=price', '3');
    assert.deepEqual(fixes(dir, text), [
      {
        message: 't.csv: expected a target column "price" among rooms, area, age, prices, found none',
        fixes: [
          ['Change the target to `prices`', '  data csv "t.csv" target=prices'],
          ['Change the target to `rooms`', '  data csv "t.csv" target=rooms'],
          ['Change the target to `area`', '  data csv "t.csv" target=area'],
          ['Change the target to `age`', '  data csv "t.csv" target=age'],
        ],
      },
    ]);
    // Quoted where it was quoted, and where the name is no bare word.
    writeFileSync(join(dir, 't.csv'), csv('a,b,sale price'));
    assert.deepEqual(
      dataDiagnostics(analyze(spec('data csv "t.csv" target="price"')), join(dir, 'spec.dnn'))[0]!.fixes!.map((f) => f.edits[0]!.newText),
      ['"sale price"', '"a"', '"b"'],
    );
    assert.deepEqual(dataDiagnostics(analyze(spec('data csv "t.csv" target=y')), join(dir, 'spec.dnn'))[0]!.fixes![0]!.edits[0]!.newText, '"sale price"');
  });

  it('an `input` that is not the data’s: the CSV’s columns besides the target, an IDX image’s values (its shape for an image input)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 't.csv'), csv('a,b,c,d,y'));
    assert.deepEqual(fixes(dir, spec('data csv "t.csv" target=y', '8')), [
      {
        message: "t.csv: expected 8 input columns as the spec's `input` says, found 4",
        fixes: [['Change the input to 4 (the columns besides the target)', '  input 4']],
      },
    ]);
    writeFileSync(join(dir, 'images'), idx([30, 3, 3]));
    writeFileSync(join(dir, 'labels'), idx([30]));
    const [flat] = fixes(dir, spec('data idx "images" "labels"', '784'));
    assert.deepEqual(flat!.fixes, [["Change the input to 9 (the images' size)", '  input 9']]);
    const [image] = fixes(dir, spec('data idx "images" "labels"', '28x28x1'));
    assert.deepEqual(image!.fixes, [["Change the input to 3x3x1 (the images' size)", '  input 3x3x1']]);
  });
});

describe('a classifier’s last layer against its files’ labels (issue 29 item 4)', () => {
  /** A CSV of 40 rows whose `y` holds these labels in turn. */
  const labelled = (labels: number[]): string => `a,b,y\n${Array.from({ length: 40 }, (_, i) => `0.5,1,${labels[i % labels.length]}`).join('\n')}\n`;
  const classify = (out: string, data = 'data csv "train.csv" target=y') => `model m {\n  ${data}\n  input 2\n  task classify\n  dense h 8 relu\n  ${out}\n}\n`;

  it('fewer outputs than classes: DNN305 on the layer’s size, naming the labels’ file and range, with the width they need', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train.csv'), labelled([0, 1, 2]));
    const text = classify('dense out 2');
    const [d, ...rest] = dataDiagnostics(analyze(text), join(dir, 'spec.dnn'));
    assert.equal(rest.length, 0);
    assert.deepEqual([d!.code, d!.severity], ['DNN305', 'error']);
    assert.equal(d!.message, 'expected `out` to give at least 3 values, one per class (the labels in train.csv run from 0 to 2), found 2');
    assert.equal(d!.range.start.line, 5, 'on the `out` layer, where the fix is');
    assert.deepEqual(fixes(dir, text)[0]!.fixes, [['Give `out` 3 units', '  dense out 3']]);
  });

  it('more outputs than classes: DNN312 information with the same fix; as many: nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train.csv'), labelled([0, 2, 1]));
    const [d] = dataDiagnostics(analyze(classify('dense out 10')), join(dir, 'spec.dnn'));
    assert.deepEqual([d!.code, d!.severity], ['DNN312', 'info']);
    assert.equal(d!.message, "`out` gives 10 values for 3 classes (the labels in train.csv run from 0 to 2): 7 of them are never a sample's class");
    assert.deepEqual(fixes(dir, classify('dense out 10'))[0]!.fixes, [['Give `out` 3 units', '  dense out 3']]);
    assert.deepEqual(dataDiagnostics(analyze(classify('dense out 3')), join(dir, 'spec.dnn')), []);
  });

  it('the largest label of either file counts: a test file’s class the training file lacks', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train.csv'), labelled([0, 1]));
    writeFileSync(join(dir, 'test.csv'), labelled([0, 1, 3]));
    const [d] = dataDiagnostics(analyze(classify('dense out 2', 'data csv "train.csv" target=y test="test.csv"')), join(dir, 'spec.dnn'));
    assert.equal(d!.message, 'expected `out` to give at least 4 values, one per class (the labels in test.csv run from 0 to 3), found 2');
  });

  it('IDX labels are read too; labels that are not whole numbers from 0, a regression, or an edited file are judged afresh', () => {
    const dir = tempDir();
    const labels = Buffer.concat([Buffer.from([0, 0, 8, 1, 0, 0, 0, 40]), Buffer.from(Array.from({ length: 40 }, (_, i) => i % 5))]);
    const images = Buffer.concat([Buffer.from([0, 0, 8, 2, 0, 0, 0, 40, 0, 0, 0, 2]), Buffer.alloc(80)]);
    writeFileSync(join(dir, 'labels.idx'), labels);
    writeFileSync(join(dir, 'images.idx'), images);
    const [idxOut] = dataDiagnostics(analyze(classify('dense out 4', 'data idx "images.idx" "labels.idx"')), join(dir, 'spec.dnn'));
    assert.equal(idxOut!.message, 'expected `out` to give at least 5 values, one per class (the labels in labels.idx run from 0 to 4), found 4');
    writeFileSync(join(dir, 'train.csv'), labelled([0, 1.5]));
    assert.deepEqual(dataDiagnostics(analyze(classify('dense out 2')), join(dir, 'spec.dnn')), [], 'the trainer names a label that is not a class');
    writeFileSync(join(dir, 'train.csv'), labelled([0, 1, 2, 3, 4, 5]));
    assert.equal(dataDiagnostics(analyze(classify('dense out 2')), join(dir, 'spec.dnn'))[0]!.code, 'DNN305', 'the rewritten file is read again');
    const regress = classify('dense out 1').replace('task classify', 'task regress');
    assert.deepEqual(dataDiagnostics(analyze(regress), join(dir, 'spec.dnn')), []);
  });
});
