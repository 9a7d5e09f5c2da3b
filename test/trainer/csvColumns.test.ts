import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze, applyEdits, shrinkEdits } from '../../language/index.ts';
import { dataDiagnostics } from '../../store/dataDiagnostics.ts';
import { loadCsv } from '../../trainer/src/data/csv.ts';
import { tempDir } from '../helpers/tempDir.ts';

// A CSV spec reads the columns `columns=` names (issue 29: Shrink drops the columns a run stopped reading).

const CSV = `id,name,tenure,plan,fee,churned\n${Array.from({ length: 30 }, (_, i) => `c${i},Ann ${i},${i},${i % 3},${i * 1.5},${i % 2}`).join('\n')}\n`;
const spec = (columns: string, input: number) =>
  `model churn {\n  data csv "customers.csv" target=churned${columns}\n  input ${input}\n  task classify\n  dense h 4 relu\n  dense out 2\n}\nregularize {\n  l1 0.001\n}\n`;

describe('columns= on a CSV data line', () => {
  it('the trainer reads only the named columns, in the file’s order, and names them; text in other columns is no problem', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'customers.csv'), CSV);
    const d = loadCsv(join(dir, 'customers.csv'), { target: 'churned', testSplit: 0.2, columns: ['fee', 'tenure'], classify: true });
    assert.deepEqual(d.inputShape, [2]);
    assert.deepEqual(d.inputNames, ['tenure', 'fee']);
    assert.deepEqual([...d.trainX.slice(0, 4)], [0, 0, 1, 1.5]);
    assert.throws(
      () => loadCsv(join(dir, 'customers.csv'), { target: 'churned', testSplit: 0.2, classify: true }),
      /expected a number in column id, found "c0"/,
      'without columns= every column is read',
    );
  });

  it('the editor checks the names against the header and counts `input` from them', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'customers.csv'), CSV);
    const check = (text: string) => dataDiagnostics(analyze(text), join(dir, 'spec.dnn')).map((d) => `${d.code} ${d.message.slice(dir.length + 1)}`);
    assert.deepEqual(check(spec(' columns="tenure,plan,fee"', 3)), []);
    assert.deepEqual(check(spec(' columns="tenure,plan,cost"', 3)), [
      'DNN311 customers.csv: expected the `columns=` "cost" among id, name, tenure, plan, fee, churned, found none of that name',
    ]);
    assert.deepEqual(check(spec(' columns="tenure,churned"', 2)), [
      'DNN311 customers.csv: expected `columns=` without the target column "churned", found it listed',
    ]);
    assert.deepEqual(
      analyze(spec(' columns="tenure,plan"', 3)).diagnostics.map((d) => d.code),
      ['DNN304'],
      'the spec alone says how many inputs it reads',
    );
  });

  it('Shrink narrows the data line to the columns a run still read, and `input` to their count; replaces a columns= already there', () => {
    const text = spec('', 5);
    const shrunk = applyEdits(text, shrinkEdits(analyze(text), { h: 3 }, ['tenure', 'fee']));
    assert.match(shrunk, /data csv "customers\.csv" target=churned columns="tenure,fee"\n {2}input 2\n/);
    assert.match(shrunk, /dense h 3 relu/);
    assert.deepEqual(analyze(shrunk).diagnostics, []);
    const again = applyEdits(shrunk, shrinkEdits(analyze(shrunk), {}, ['fee']));
    assert.match(again, /target=churned columns="fee"\n {2}input 1\n/);
    assert.equal(applyEdits(text, shrinkEdits(analyze(text), {}, ['id', 'name', 'tenure', 'plan', 'fee'])), text, 'every column still read: nothing to write');
  });
});
