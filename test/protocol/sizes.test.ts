import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Summary } from '../../protocol/events.ts';
import { formatBytes, formatCompactSize, formatInputNames, formatSizeHeadline, formatSparseWeights, keptByLayer, summaryKept } from '../../protocol/present.ts';

/** LeNet-300-100's sizes from the issue: 210,210 of 266,610 parameters kept, 2.1× fewer non-zero weights. */
const LENET: Pick<Summary, 'compactParams' | 'fullParams' | 'exports' | 'compression'> = {
  compactParams: 210_210,
  fullParams: 266_610,
  compression: 2.1,
  exports: [
    { format: 'onnx', path: '/r/compact/model.onnx', bytes: 842_000, fullBytes: 1_067_000 },
    { format: 'tfjs', path: '/r/compact', bytes: 840_840, fullBytes: 1_066_440 },
  ],
};

describe('sizes: the model the user gets first', () => {
  it('bytes in the units file managers show', () => {
    assert.equal(formatBytes(512), '512 bytes');
    assert.equal(formatBytes(2017), '2.0 KB');
    assert.equal(formatBytes(840_840), '821 KB');
    assert.equal(formatBytes(12_500_000), '12 MB');
  });

  it('the compact model’s parameters, their share of the full model’s and its TensorFlow.js bytes lead; the sparse-weight figure says what it counts', () => {
    assert.equal(formatCompactSize(LENET), '210,210 parameters (78.8 % of 266,610) · 821 KB');
    assert.equal(formatSparseWeights(2.1), '2.1× fewer non-zero weights');
    assert.equal(formatSizeHeadline(LENET), 'compact model 210,210 parameters (78.8 % of 266,610) · 821 KB · 2.1× fewer non-zero weights');
    // A summary recorded before exports existed: no bytes to say.
    assert.equal(formatCompactSize({ compactParams: LENET.compactParams, fullParams: LENET.fullParams }), '210,210 parameters (78.8 % of 266,610)');
  });

  it('a CSV’s kept columns by name, the first dozen and how many more', () => {
    assert.equal(formatInputNames(['age', 'plan']), 'age, plan');
    const many = Array.from({ length: 100 }, (_, i) => `c${i}`);
    assert.equal(formatInputNames(many), `${many.slice(0, 12).join(', ')}, and 88 more`);
  });

  it('a finished run’s kept neurons are its compact sizes, in every view (an older run counted otherwise)', () => {
    const layer = (name: string, neuronsKept: number, neuronsTotal: number) => ({
      name,
      kind: 'dense',
      density: 0.1,
      weightsKept: 1,
      weightsTotal: 10,
      neuronsKept,
      neuronsTotal,
      inputsKept: 1,
      inputsTotal: 1,
    });
    const summary = { layers: [layer('fc1', 22, 64), layer('fc2', 0, 8), layer('out', 3, 3)], compactSizes: { fc1: 21, fc2: 1, out: 3 }, collapsed: ['fc2'] };
    assert.deepEqual(
      summaryKept(summary).map((l) => [l.name, l.kept, l.total]),
      [
        ['fc1', 21, 64],
        ['fc2', 0, 8],
        ['out', 3, 3],
      ],
    );
    const kept = keptByLayer({ done: { summary: summary as unknown as Summary } });
    assert.equal(kept.get('fc1')?.kept, 21);
  });
});
