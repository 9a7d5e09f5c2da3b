import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../language/index.ts';
import { dumpDiagnostics, dumpModel, dumpTree } from '../helpers/dump.ts';
import { dnnFiles, FIXTURES } from '../helpers/fixtures.ts';
import { assertGolden } from '../helpers/golden.ts';

describe('golden: well-formed specs', () => {
  for (const file of dnnFiles(join(FIXTURES, 'parser', 'ok'))) {
    it(file.name, () => {
      const analysis = analyze(file.text);
      const problems = analysis.diagnostics.filter((d) => d.severity !== 'info');
      assert.deepEqual(problems, [], `expected no errors or warnings in ${file.name}, found:\n${dumpDiagnostics(problems)}`);
      assertGolden(file.path.replace(/\.dnn$/, '.golden'), `${dumpTree(analysis.tree)}\n${dumpModel(analysis)}`);
    });
  }
});

describe('golden: specs with errors', () => {
  const files = dnnFiles(join(FIXTURES, 'parser', 'err'));
  it('covers at least 40 error cases', () => assert.ok(files.length >= 40, `expected ≥ 40 error fixtures, found ${files.length}`));
  for (const file of files) {
    it(file.name, () => {
      const expected = /^# expect: (DNN\d{3})/.exec(file.text)?.[1];
      assert.ok(expected, `expected a first line "# expect: DNNxxx" in ${file.name}`);
      const analysis = analyze(file.text);
      const codes = analysis.diagnostics.map((d) => d.code);
      assert.ok(codes.includes(expected as never), `expected ${expected} in ${file.name}, found ${codes.join(', ') || 'none'}`);
      for (const d of analysis.diagnostics) {
        assert.match(d.message, /expected .+, found /, `expected "expected X, found Y" in ${d.code}: ${d.message}`);
      }
      assertGolden(file.path.replace(/\.dnn$/, '.golden'), dumpDiagnostics(analysis.diagnostics));
    });
  }
});
