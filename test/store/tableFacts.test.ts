import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze, format, tableSpec } from '../../language/index.ts';
import { dataDiagnostics } from '../../store/dataDiagnostics.ts';
import { tableFacts } from '../../store/tableFacts.ts';
import { tempDir } from '../helpers/tempDir.ts';

// New Spec from Data File… (issue 29 item 10, "your own CSV"): the file read, a spec written that checks clean
// against the same file, as the editor and `dropneuron check` read it.

const rows = (n: number, row: (i: number) => string, header = 'a,b,c,label'): string =>
  `${header}\n${Array.from({ length: n }, (_, i) => row(i)).join('\n')}\n`;

/** The spec written for `file`, as a spec saved in `dir` would be, and every diagnostic it gets there (data files included). */
function written(dir: string, file: string): { text: string; codes: string[] } {
  const facts = tableFacts(join(dir, file), dir);
  if ('problem' in facts) throw new Error(facts.problem);
  const text = tableSpec(facts);
  const analysis = analyze(text);
  return { text, codes: [...analysis.diagnostics, ...dataDiagnostics(analysis, join(dir, 'spec.dnn'))].map((d) => `${d.code} ${d.message}`) };
}

describe('a new spec for the user’s CSV file (store/tableFacts.ts, language/tableSpec.ts)', () => {
  it('class labels 0–2 in the last column: classify, 3 outputs, the columns counted; it checks clean and is formatted', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    writeFileSync(
      join(dir, 'data', 'iris.csv'),
      rows(150, (i) => `${i / 10},${i % 7},${i % 3},${i % 3}`),
    );
    const { text, codes } = written(dir, 'data/iris.csv');
    assert.deepEqual(codes, []);
    assert.match(text, /^model iris \{$/m);
    assert.match(text, /^ {2}data csv "data\/iris\.csv" target=label$/m);
    assert.match(text, /^ {2}input 3\n {2}task classify\n[\s\S]* {2}dense out 3\n\}/m);
    assert.match(text, /^ {2}dropneuron auto$/m);
    assert.match(text, /^ {2}batch 15$/m, 'a tenth of 150 rows: ten steps an epoch');
    assert.deepEqual(format(text), { ok: true, text }, 'as the formatter writes it');
  });

  it('values to predict: regress with one output; a test file beside train.csv is its test set; a quoted column name stays quoted', () => {
    const dir = tempDir();
    const table = (n: number) => rows(n, (i) => `${i},${i * 0.5},${-i},${i * 1.25}`, 'x 1,x2,x3,sale price');
    writeFileSync(join(dir, 'house-train.csv'), table(400));
    writeFileSync(join(dir, 'house-test.csv'), table(100));
    const { text, codes } = written(dir, 'house-train.csv');
    assert.deepEqual(codes, []);
    assert.match(text, /^ {2}data csv "house-train\.csv" target="sale price" test="house-test\.csv"$/m);
    assert.match(text, /^ {2}task regress$/m);
    assert.match(text, /^ {2}dense out 1$/m);
    assert.match(text, /^ {2}batch 32$/m);
    assert.match(text, /^model house-train \{$/m);
  });

  it('a test file with another header is not taken; many whole-number values are a value to predict, not classes', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'train.csv'),
      rows(300, (i) => `${i},1,2,${i * 1000}`),
    );
    writeFileSync(
      join(dir, 'test.csv'),
      rows(30, (i) => `${i},1,2,3,4`, 'a,b,c,d,label'),
    );
    const { text, codes } = written(dir, 'train.csv');
    assert.deepEqual(codes, []);
    assert.doesNotMatch(text, /test=/);
    assert.match(text, /^ {2}task regress$/m);
  });

  it('a file that cannot be a table: one sentence naming it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'one.csv'), 'y\n1\n2\n');
    assert.deepEqual(tableFacts(join(dir, 'one.csv'), dir), {
      problem: `${join(dir, 'one.csv')}: expected a target column and at least one input column, found 1 column`,
    });
    assert.match((tableFacts(join(dir, 'none.csv'), dir) as { problem: string }).problem, /none\.csv: expected a CSV file, found no such file$/);
  });
});
