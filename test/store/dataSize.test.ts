import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../language/index.ts';
import { dataDiagnostics } from '../../store/dataDiagnostics.ts';
import { tempDir } from '../helpers/tempDir.ts';

/** A CSV of `rows` rows of two features and a class. */
function csv(path: string, rows: number): void {
  writeFileSync(path, ['a,b,y', ...Array.from({ length: rows }, (_, i) => `${i},${i % 3},${i % 2}`)].join('\n') + '\n');
}

describe('a data set too small to learn from is a DNN223 warning in the editor (issue 26 item 7)', () => {
  const spec = (dir: string) => {
    const path = join(dir, 's.dnn');
    return { path, analysis: analyze('model m {\n  data csv "t.csv" target=y\n  input 2\n  dense out 2\n}\n') };
  };

  it('6 rows: 5 training and 1 test sample, on the data line (it trained silently)', () => {
    const dir = tempDir();
    csv(join(dir, 't.csv'), 6);
    const { path, analysis } = spec(dir);
    const [d, ...rest] = dataDiagnostics(analysis, path);
    assert.equal(rest.length, 0);
    assert.equal(d!.code, 'DNN223');
    assert.equal(d!.severity, 'warning');
    assert.equal(d!.range.start.line, 1);
    assert.match(d!.message, /expected at least 20 training and 5 test samples, found 5 and 1: a data set too small to learn from/);
  });

  it('500 rows: nothing to say', () => {
    const dir = tempDir();
    csv(join(dir, 't.csv'), 500);
    const { path, analysis } = spec(dir);
    assert.deepEqual(dataDiagnostics(analysis, path), []);
  });
});
