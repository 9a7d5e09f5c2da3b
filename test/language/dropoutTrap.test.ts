import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, applyEdits, DIAGNOSTIC_CODES } from '../../language/index.ts';

const spec = (layers: string, regularize: string): string =>
  `model m {\n  data mnist\n  input 784\n${layers}\n  dense out 10\n}\n\nregularize {\n${regularize}\n}\n`;

const hints = (text: string) => analyze(text).diagnostics.filter((d) => d.code === 'DNN224');

describe('DNN224: dropout next to a DropNeuron λ', () => {
  it('is an information, with the measured numbers and where they come from', () => {
    assert.equal(DIAGNOSTIC_CODES.DNN224.severity, 'info');
    const [hint] = hints(spec('  dense fc1 300 relu', '  keep_prob 0.5\n  dropneuron 0.0005'));
    assert.ok(hint);
    assert.match(hint.message, /expected `keep_prob 1` with DropNeuron \(λ 0\.0005\), found 0\.5/);
    assert.match(hint.message, /44 %.*12 %.*546-113-62/);
    assert.match(hint.message, /docs\/results\.md/);
  });

  it('its fix sets keep_prob to 1, and the fixed spec has no hint left', () => {
    const text = spec('  dense fc1 300 relu', '  keep_prob 0.5\n  dropneuron 0.0005');
    const [hint] = hints(text);
    assert.equal(hint?.fix?.title, 'Set keep_prob to 1 (dropout off)');
    const fixed = applyEdits(text, hint.fix.edits);
    assert.match(fixed, /keep_prob 1\n/);
    assert.deepEqual(hints(fixed), []);
  });

  it('names every place dropout is written: the block, a layer option, a dropout layer (removed by its fix)', () => {
    const text = spec('  dense fc1 300 relu keep_prob=0.8\n  dense fc2 100 relu\n  dropout drop keep_prob=0.5', '  keep_prob 0.5\n  dropneuron 0.0005');
    const found = hints(text).map((d) => [d.range.start.line, d.fix?.title]);
    assert.deepEqual(found, [
      [3, 'Set keep_prob to 1 (dropout off)'],
      [5, 'Remove this `dropout` (keep_prob 1)'],
      [10, 'Set keep_prob to 1 (dropout off)'],
    ]);
  });

  it('says nothing without a λ, without dropout, or where every hidden layer turns the block’s dropout off', () => {
    assert.deepEqual(hints(spec('  dense fc1 300 relu', '  keep_prob 0.5\n  l1 0.0001')), []);
    assert.deepEqual(hints(spec('  dense fc1 300 relu', '  keep_prob 1\n  dropneuron 0.0005')), []);
    assert.deepEqual(hints(spec('  dense fc1 300 relu', '  dropneuron 0.0005')), []);
    assert.deepEqual(hints(spec('  dense fc1 300 relu keep_prob=1', '  keep_prob 0.5\n  dropneuron 0.0005')), []);
    // A λ on one layer only is still DropNeuron.
    assert.equal(hints(spec('  dense fc1 300 relu dropneuron=0.001', '  keep_prob 0.5')).length, 1);
  });

  it('is not said next to an error (it would be noise there)', () => {
    assert.deepEqual(hints(spec('  dense fc1 300 reluu', '  keep_prob 0.5\n  dropneuron 0.0005')), []);
  });
});
