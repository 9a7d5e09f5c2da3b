import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { analyze } from '../../language/index.ts';
import { selectBackend } from '../../trainer/src/backend.ts';
import { compact } from '../../trainer/src/compact.ts';
import { buildLayersModel } from '../../trainer/src/export/tfjs.ts';
import { Rng } from '../../trainer/src/rng.ts';
import type { LayerWeights } from '../../trainer/src/layerWeights.ts';

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
  const layers: LayerWeights[] = [
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
  const layers: LayerWeights[] = [
    { layer: h1!, w: random(6 * 5), b: random(5) },
    { layer: h2!, w: w2, b: Float32Array.from([0.5, -0.5, 1.5, 0.25]) },
    { layer: out!, w: random(4 * 3), b: random(3) },
  ];
  const small = compact(model, layers);
  // h2 is fed by nothing, so nothing kept reads h1, and then nothing kept reads the inputs: all three collapse.
  assert.deepEqual(small.collapsed, ['inputs', 'h1', 'h2']);
  const full = buildLayersModel(model, layers, [6]);
  const reduced = buildLayersModel(model, small.layers, [small.keptInputs!.length]);
  const x = tf.tensor2d(random(50 * 6), [50, 6]);
  const diff = tf.max(tf.abs(tf.sub(full.predict(x) as tf.Tensor, reduced.predict(tf.gather(x, small.keptInputs!, 1)) as tf.Tensor))).dataSync()[0]!;
  assert.ok(diff <= 1e-5, `max |diff| ${diff}`);
});

const CONV_SPEC = `model tinyconv {
  data synthetic classes=3
  input 12x12x2
  conv a 5 3x3 relu
  maxpool p1 2x2
  conv b 4 3x3 tanh padding=valid
  avgpool p2 2x2 stride=1
  conv c 4 1x1 relu
  conv d 3 3x3 relu
  flatten
  dense out 3
}
regularize {
  dropneuron 0.001
}
`;

it('removes dead conv channels: unread ones, unfed ones folded into the next bias where exact, through pooling and flatten', async () => {
  const analysis = analyze(CONV_SPEC);
  assert.equal(analysis.hasErrors, false);
  const model = analysis.model!;
  const rng = new Rng(11);
  const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * 0.5);
  const [a, b, c, d, out] = model.layers.filter((l) => l.weightShape);
  // Shapes: a 12x12x5 → pooled 6x6 → b (valid) 4x4x4 → avgpool (stride 1, zero-padded window) 4x4 → c 4x4x4 → d 4x4x3 → 48 features.
  const [wa, wb, wc, wd, wo] = [a, b, c, d, out].map((l) => random(l!.weightShape!.reduce((x, y) => x * y)));
  const unfed = (w: Float32Array, channels: number, j: number): void => {
    for (let r = 0; r < w.length / channels; r++) w[r * channels + j] = 0;
  };
  const unread = (w: Float32Array, channels: number, cols: number, j: number): void => {
    for (let g = 0; g < w.length / (channels * cols); g++) w.fill(0, (g * channels + j) * cols, (g * channels + j + 1) * cols);
  };
  unread(wb!, 5, 4, 1); // a1: read by no one → removed
  unfed(wa!, 5, 3); // a3: relu(0.4), and b pads nothing (valid) → folded into b's bias
  unfed(wb!, 4, 2); // b2: tanh(0.3), through the zero-padded avgpool (a constant stays constant) into a 1x1 conv → folded
  unfed(wc!, 4, 0); // c0: relu(0.2), but d's 3x3 window meets zero padding at the borders → kept
  unfed(wc!, 4, 1); // c1: relu(-0.1) = 0 → removed, nothing to fold
  unread(wo!, 3, 3, 2); // d2: read by no one after the flatten (16 positions) → removed
  unfed(wd!, 3, 0); // d0: relu(0.3), read through the flatten → folded into out's bias
  const layers: LayerWeights[] = [
    { layer: a!, w: wa!, b: Float32Array.from([0.1, 0.2, -0.1, 0.4, 0.3]) },
    { layer: b!, w: wb!, b: Float32Array.from([0.1, -0.1, 0.3, 0.2]) },
    { layer: c!, w: wc!, b: Float32Array.from([0.2, -0.1, 0.2, 0.0]) },
    { layer: d!, w: wd!, b: Float32Array.from([0.3, 0.1, 0.2]) },
    { layer: out!, w: wo!, b: random(3) },
  ];
  const small = compact(model, layers);
  assert.deepEqual(small.sizes, { a: 3, b: 3, c: 3, d: 1, out: 3 });
  assert.equal(small.keptInputs, undefined);
  assert.equal(small.params, 9 * 2 * 3 + 3 + 9 * 3 * 3 + 3 + 3 * 3 + 3 + 9 * 3 * 1 + 1 + 16 * 1 * 3 + 3);

  const full = buildLayersModel(model, layers, [12, 12, 2]);
  const reduced = buildLayersModel(model, small.layers, [12, 12, 2]);
  assert.equal(reduced.countParams(), small.params);
  const x = tf.tensor4d(random(40 * 12 * 12 * 2), [40, 12, 12, 2]);
  const diff = tf.max(tf.abs(tf.sub(full.predict(x) as tf.Tensor, reduced.predict(x) as tf.Tensor))).dataSync()[0]!;
  assert.ok(diff <= 1e-5, `max |diff| ${diff}`);
});
