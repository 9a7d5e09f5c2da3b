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
