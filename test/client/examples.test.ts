import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { EXAMPLES, exampleRows } from '../../client/src/examples.ts';
import { EXAMPLES as EXAMPLES_DIR } from '../helpers/fixtures.ts';

// New Spec from Example lists the examples a newcomer should try first, first, in plain words (issue 29 item 10).
describe('the example picker’s rows (client/src/examples.ts)', () => {
  it('every example in examples/ has its row and words, LeNet-300-100 first and AlexNet (synthetic images) last', () => {
    const files = readdirSync(EXAMPLES_DIR)
      .filter((f) => f.endsWith('.dnn'))
      .map((f) => f.replace(/\.dnn$/, ''));
    assert.deepEqual([...EXAMPLES.map((e) => e.name)].sort(), [...files].sort());
    assert.deepEqual([EXAMPLES[0]!.name, EXAMPLES.at(-1)!.name], ['lenet-300-100', 'alexnet']);
    for (const e of EXAMPLES) assert.doesNotMatch(e.description, /\bseed\b/, `${e.name}: plain words`);
  });

  it('a file the table does not know is listed last with its first comment line', () => {
    const rows = exampleRows([
      { name: 'mine', firstLine: '# My own network' },
      { name: 'alexnet', firstLine: '# AlexNet as in the seed' },
      { name: 'lenet-300-100', firstLine: '# LeNet' },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.label, r.detail.slice(0, 12)]),
      [
        ['lenet-300-100', 'Handwritten '],
        ['alexnet', 'AlexNet at 2'],
        ['mine', 'My own netwo'],
      ],
    );
  });
});
