import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver/node';
import { analyze } from '../../language/index.ts';
import { hover } from '../../server/src/hover.ts';
import { readWeightsHeader, weightsMismatches } from '../../store/weightsFile.ts';
import { weightsProblems } from '../../store/weightsProblems.ts';
import { encodeSafetensors } from '../../trainer/src/export/safetensors.ts';
import { tempDir } from '../helpers/tempDir.ts';

const SPEC = `model m {
  data synthetic classes=2
  input 4
  weights "m.safetensors"
  dense fc1 3 relu
  dense out 2
}
`;

function weightsFile(dir: string, fc1Rows: number): void {
  writeFileSync(
    join(dir, 'm.safetensors'),
    encodeSafetensors([
      { name: 'fc1.weight', dtype: 'F32', shape: [fc1Rows, 4], data: new Float32Array(fc1Rows * 4) },
      { name: 'fc1.bias', dtype: 'F32', shape: [fc1Rows], data: new Float32Array(fc1Rows) },
      { name: 'out.weight', dtype: 'F32', shape: [2, 3], data: new Float32Array(6) },
    ]),
  );
}

function hoverText(dir: string, character: number): string {
  const result = hover(analyze(SPEC), { line: 3, character }, undefined, join(dir, 'm.dnn'));
  assert.ok(result, 'a hover');
  return (result.contents as MarkupContent).value;
}

describe('the `weights` file in the editor', () => {
  it('a hover on `weights` or its path lists the tensors and their shapes, and each one the layers miss or read in another shape', () => {
    const dir = tempDir('dnn-weights-hover-');
    weightsFile(dir, 3);
    for (const character of [3, 12]) {
      const text = hoverText(dir, character);
      assert.match(text, /`m\.safetensors`: 3 tensors, 21 values/);
      assert.match(text, /^\| `fc1\.weight` \| \[3, 4\] \| F32 \|$/m);
      assert.match(text, /^\| `out\.weight` \| \[2, 3\] \| F32 \|$/m);
      assert.match(text, /⚠ m\.safetensors: expected a tensor out\.bias \[2\] for layer `out`, found none/);
    }
    weightsFile(dir, 5);
    assert.match(hoverText(dir, 3), /⚠ m\.safetensors: expected fc1\.weight of shape \[3, 4\] for layer `fc1`, found \[5, 4\]/);
  });

  it('reads the header alone, and says what is wrong with a file that is not safetensors', () => {
    const dir = tempDir('dnn-weights-hover-');
    writeFileSync(join(dir, 'm.safetensors'), 'not a weights file at all');
    assert.match(hoverText(dir, 3), /⚠ .*m\.safetensors: expected a safetensors file, found a header length of \d+ bytes in a file of 25/);
    const missing = readWeightsHeader(join(dir, 'none.safetensors'));
    assert.ok(
      'error' in missing && /none\.safetensors: expected the spec's weights file, found no file there \(ENOENT\)/.test(missing.error),
      JSON.stringify(missing),
    );
    const model = analyze(SPEC).model!;
    assert.equal(weightsMismatches(model, [], 'w').length, 4, 'W and b of each layer');
  });

  it("marks each layer whose tensors the file lacks or holds in another shape on the layer's size, and an unreadable file on its path", () => {
    const dir = tempDir('dnn-weights-hover-');
    const spec = join(dir, 'm.dnn');
    assert.deepEqual(
      weightsProblems(analyze(SPEC), spec).map((p) => [p.range.start.line, p.range.start.character, p.message]),
      [
        [
          3,
          10,
          `${join(dir, 'm.safetensors')}: expected the spec's weights file, found no file there (ENOENT); \`dropneuron import\` writes one beside the spec it writes`,
        ],
      ],
    );
    weightsFile(dir, 5);
    assert.deepEqual(
      weightsProblems(analyze(SPEC), spec).map((p) => [p.range.start.line, p.range.start.character, p.message]),
      [
        [4, 12, 'm.safetensors: expected fc1.weight of shape [3, 4] for layer `fc1`, found [5, 4]'],
        [4, 12, 'm.safetensors: expected fc1.bias of shape [3] for layer `fc1`, found [5]'],
        [5, 12, 'm.safetensors: expected a tensor out.bias [2] for layer `out`, found none (it holds fc1.weight, fc1.bias, out.weight)'],
      ],
    );
    assert.deepEqual(weightsProblems(analyze(SPEC.replace(/ {2}weights .*\n/, '')), spec), []);
  });
});
