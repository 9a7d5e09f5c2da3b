import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Summary } from '../../protocol/events.ts';
import { guidanceOf } from '../../trainer/src/listeners/verdict.ts';

/** A summary of a 10-input, 8-neuron hidden layer network with `kept` hidden neurons and `inputs` inputs kept. */
const summary = (kept: number, inputs: number, collapsed: string[] = []): Summary =>
  ({
    collapsed,
    inputs: { kept: inputs, total: 10 },
    layers: [
      { name: 'h', neuronsKept: kept, neuronsTotal: 8 },
      { name: 'out', neuronsKept: 3, neuronsTotal: 3 },
    ],
    damage: { cost: 0, tolerance: 1, threshold: 0.01, exceeded: false },
  }) as unknown as Summary;

describe('guidance when a run pruned almost nothing or everything (issue 27 item 4)', () => {
  it('a fixed λ that kept everything suggests auto or a λ ten times larger', () => {
    assert.match(guidanceOf(summary(8, 10), false, 0.0005)!, /λ 0.0005 is too weak .* Try `dropneuron auto`.*10× larger/);
  });

  it('with DropNeuron off it says so, not "ten times 0"', () => {
    const g = guidanceOf(summary(8, 10), false, 0)!;
    assert.match(g, /DropNeuron is off \(`dropneuron` 0\)/);
    assert.doesNotMatch(g, /10×/);
  });

  it('auto that pruned nothing points at the tolerance', () => {
    assert.match(guidanceOf(summary(8, 10), true, 1)!, /a larger `tolerance` lets it go further/);
  });

  it('a collapsed layer is said, with the way back', () => {
    assert.match(guidanceOf(summary(0, 10, ['h']), false, 0.3)!, /removed every neuron of h.*a tenth of 0.3/);
    assert.match(guidanceOf(summary(0, 10, ['h']), false, 0)!, /DropNeuron is off: lower `l1` or `threshold`/);
  });

  it('a run that pruned a fair share gets none', () => {
    assert.equal(guidanceOf(summary(4, 5), false, 0.01), undefined);
  });
});
