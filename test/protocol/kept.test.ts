import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../language/index.ts';
import { countKept, keptUnits } from '../../protocol/kept.ts';
import { compact } from '../../trainer/src/compact.ts';
import type { LayerWeights } from '../../trainer/src/layerWeights.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { layerStats } from '../../trainer/src/stats.ts';
import { keptInputNames } from '../../trainer/src/listeners/epochReport.ts';

const SPEC = `model tiny {
  data synthetic classes=2
  input 3
  dense h1 3 relu
  dense h2 2 relu
  dense out 2
}
`;

const relu = (_: unknown, bias: number): number => Math.max(0, bias);

/** W as [rows, cols] from its rows. */
const matrix = (rows: number[][]): Float32Array => Float32Array.from(rows.flat());

describe('kept: one rule, the compact model’s', () => {
  const model = analyze(SPEC).model!;
  const [h1, h2, out] = model.layers;
  // h1: unit 0 fed and read; unit 1 fed (incoming weights) but read by nothing (zero outgoing weights); unit 2 read
  // but fed by nothing, with relu(0.5) a constant that folds into h2's bias. Nonzero columns of W1: 2; nonzero rows
  // of W2: 2; so the old count min(2, 2) said 2 where the compact model keeps 1.
  const layers: LayerWeights[] = [
    {
      layer: h1!,
      w: matrix([
        [0.3, -0.2, 0],
        [0.1, 0, 0],
        [0, 0.4, 0],
      ]),
      b: Float32Array.from([0, 0, 0.5]),
    },
    {
      layer: h2!,
      w: matrix([
        [0.2, 0.1],
        [0, 0],
        [0.7, 0],
      ]),
      b: Float32Array.from([0, 0]),
    },
    {
      layer: out!,
      w: matrix([
        [1, -1],
        [0.5, 0.5],
      ]),
      b: Float32Array.from([0, 0]),
    },
  ];

  it('a neuron with incoming weights and no outgoing ones is not kept, nor is an unfed one whose constant folds', () => {
    const kept = keptUnits(model, layers, relu);
    assert.deepEqual(kept.units[0], [true, false, false]);
    assert.deepEqual(kept.units[1], [true, true]);
    assert.deepEqual(kept.units[2], [true, true], 'output units stay');
    // Input 2 feeds only h1's unit 1, which nothing reads: it is not kept either.
    assert.deepEqual(kept.inputs, [true, true, false]);
  });

  it('the statistics count what the compact model keeps: its sizes and its inputs', () => {
    const stats = layerStats(model, layers);
    const small = compact(model, layers);
    assert.deepEqual(
      stats.layers.map((l) => l.kept),
      [1, 2, 2],
    );
    assert.deepEqual(Object.fromEntries(stats.layers.map((l) => [l.name, l.kept])), small.sizes);
    assert.equal(stats.inputs.kept, small.keptInputs!.length);
    // The raw counts stay what they say: nonzero columns of W1, nonzero rows of W2.
    assert.equal(stats.layers[0]!.aliveIn, 2);
    assert.equal(stats.layers[1]!.aliveOut, 2);
  });

  it('a neuron read only by neurons that go goes too, and so do the inputs that fed only it', () => {
    const chain: LayerWeights[] = layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() }));
    // Nothing reads h2's unit 1 any more: h1's unit 0 still reaches out through h2's unit 0.
    chain[2]!.w[2] = 0;
    chain[2]!.w[3] = 0;
    // h1's unit 0 now feeds only h2's unit 1.
    chain[1]!.w[0] = 0;
    const kept = keptUnits(model, chain, relu);
    assert.deepEqual(kept.units[1], [false, false], 'h2 unit 0 is unfed (relu(0) = 0), unit 1 unread');
    assert.deepEqual(kept.units[0], [false, false, false]);
    assert.deepEqual(kept.inputs, [false, false, false]);
    assert.equal(countKept(kept.units[1]!), 0);
  });

  it('names the kept inputs when the data names its inputs (a CSV’s columns), else none', () => {
    const mask = layerStats(model, layers).inputs.mask;
    assert.deepEqual(keptInputNames({ inputShape: [3], inputNames: ['age', 'plan', 'calls'] }, mask), ['age', 'plan']);
    assert.equal(keptInputNames({ inputShape: [3] }, mask), undefined);
    assert.equal(keptInputNames({ inputShape: [3], inputNames: ['age'] }, mask), undefined, 'names that do not match the inputs');
  });

  it('on random sparse networks, every layer’s kept count is its compact size', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 50; trial++) {
      const random = (n: number, density: number): Float32Array => Float32Array.from({ length: n }, () => (rng.next() < density ? rng.normal() : 0));
      const density = 0.2 + 0.6 * rng.next();
      const net: LayerWeights[] = [
        { layer: h1!, w: random(9, density), b: random(3, 0.5) },
        { layer: h2!, w: random(6, density), b: random(2, 0.5) },
        { layer: out!, w: random(4, density), b: random(2, 1) },
      ];
      const stats = layerStats(model, net);
      const small = compact(model, net);
      for (const l of stats.layers) {
        const collapsed = small.collapsed.includes(l.name);
        assert.equal(collapsed ? 1 : l.kept, small.sizes[l.name], `trial ${trial}, ${l.name}`);
      }
      assert.equal(small.collapsed.includes('inputs') ? 1 : stats.inputs.kept, small.keptInputs!.length, `trial ${trial}, inputs`);
    }
  });
});

describe('inputs read after a flatten', () => {
  it("a dense layer after a conv counts a kept channel's features at every spatial position, in its own rows' units", () => {
    const model = analyze(`model c {
  data synthetic classes=2
  input 4x4x1
  conv c 3 3x3 relu padding=same
  flatten
  dense out 2
}
`).model!;
    const [conv, out] = model.layers.filter((l) => l.weightShape);
    const rng = new Rng(5);
    // Channel 1 of 3 is dead: no kernel weights, no bias, and out reads none of its 16 features (channels last).
    const kernel = Float32Array.from({ length: 3 * 3 * 1 * 3 }, (_, k) => (k % 3 === 1 ? 0 : rng.normal()));
    const dense = Float32Array.from({ length: 48 * 2 }, (_, k) => (Math.floor(k / 2) % 3 === 1 ? 0 : rng.normal()));
    const stats = layerStats(model, [
      { layer: conv!, w: kernel, b: Float32Array.from([0.1, 0, 0.1]) },
      { layer: out!, w: dense, b: new Float32Array(2) },
    ]);
    assert.equal(stats.layers[0]!.kept, 2);
    assert.equal(stats.layers[1]!.inputs, 48);
    assert.equal(stats.layers[1]!.inputsRead, 32, 'two kept channels × 16 positions, not the 2 channels');
  });
});
