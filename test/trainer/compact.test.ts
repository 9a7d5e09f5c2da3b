import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { analyze } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { compact } from '../../trainer/src/compact.ts';
import { buildLayersModel } from '../../trainer/src/export.ts';
import { Rng } from '../../trainer/src/rng.ts';
import type { HostLayer } from '../../trainer/src/stats.ts';

before(async () => {
  await selectBackend('cpu');
});

const SPEC = `model tiny {
  data synthetic classes=3
  input 6
  dense h1 5 tanh
  dense h2 4 relu
  dense out 3
}
regularize {
  dropneuron 0.001
}
`;

it('removes dead neurons and inputs physically, folding act(bias) of unfed neurons into the next bias', async () => {
  const model = analyze(SPEC).model!;
  const rng = new Rng(5);
  const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
  const [h1, h2, out] = model.layers;
  const w1 = random(6 * 5);
  const w2 = random(5 * 4);
  const w3 = random(4 * 3);
  for (let j = 0; j < 5; j++) w1[1 * 5 + j] = 0; // input 1 is read by no one
  for (let i = 0; i < 6; i++) w1[i * 5 + 2] = 0; // h1 neuron 2 has no incoming weights but bias 0.7: a constant tanh(0.7)
  for (let c = 0; c < 4; c++) w2[4 * 4 + c] = 0; // h1 neuron 4 is read by no one
  for (let r = 0; r < 5; r++) w2[r * 4 + 1] = 0; // h2 neuron 1 has no incoming weights, bias 0.3: relu(0.3) is folded
  const b1 = Float32Array.from([0.1, -0.2, 0.7, 0.05, 0.4]);
  const b2 = Float32Array.from([0.2, 0.3, -0.1, 0.0]);
  const layers: HostLayer[] = [
    { layer: h1!, w: w1, b: b1 },
    { layer: h2!, w: w2, b: b2 },
    { layer: out!, w: w3, b: random(3) },
  ];
  const small = compact(model, layers);
  assert.deepEqual(small.keptInputs, [0, 2, 3, 4, 5]);
  assert.deepEqual(small.sizes, { h1: 3, h2: 3, out: 3 });
  assert.equal(small.params, 5 * 3 + 3 + 3 * 3 + 3 + 3 * 3 + 3);

  const full = buildLayersModel(model, layers, [6]);
  const reduced = buildLayersModel(model, small.layers, [small.keptInputs!.length]);
  assert.equal(reduced.countParams(), small.params);
  const x = tf.tensor2d(random(200 * 6), [200, 6]);
  const a = full.predict(x) as tf.Tensor;
  const b = reduced.predict(tf.gather(x, small.keptInputs!, 1)) as tf.Tensor;
  const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
  assert.ok(diff <= 1e-5, `max |diff| ${diff}`);
});

it('a layer that lost every neuron keeps one zero placeholder, is reported, and the outputs still match', async () => {
  const model = analyze(SPEC).model!;
  const rng = new Rng(9);
  const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
  const [h1, h2, out] = model.layers;
  const w2 = random(5 * 4);
  for (let r = 0; r < 5; r++) for (const c of [0, 1, 2, 3]) w2[r * 4 + c] = 0; // nothing reaches h2: it is constant
  const layers: HostLayer[] = [
    { layer: h1!, w: random(6 * 5), b: random(5) },
    { layer: h2!, w: w2, b: Float32Array.from([0.5, -0.5, 1.5, 0.25]) },
    { layer: out!, w: random(4 * 3), b: random(3) },
  ];
  const small = compact(model, layers);
  assert.deepEqual(small.collapsed, ['h1', 'h2'].filter((n) => small.sizes[n] === 1));
  assert.ok(small.collapsed.includes('h2'));
  const full = buildLayersModel(model, layers, [6]);
  const reduced = buildLayersModel(model, small.layers, [small.keptInputs!.length]);
  const x = tf.tensor2d(random(50 * 6), [50, 6]);
  const diff = tf.max(tf.abs(tf.sub(full.predict(x) as tf.Tensor, reduced.predict(tf.gather(x, small.keptInputs!, 1)) as tf.Tensor))).dataSync()[0]!;
  assert.ok(diff <= 1e-5, `max |diff| ${diff}`);
});
