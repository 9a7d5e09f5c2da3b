import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { analyze } from '../../language/index.ts';
import { HostAdam } from '../../trainer/src/hostAdam.ts';
import { Network } from '../../trainer/src/network.ts';
import { layerOpsFor } from '../../trainer/src/ops.ts';
import { SEED_SCALE } from '../../trainer/src/penalties.ts';
import { shrink } from '../../trainer/src/proximal.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { lossVector, stepLoss } from '../../trainer/src/step.ts';

before(async () => {
  await tf.setBackend('cpu');
});

const closeAll = (found: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6, label = ''): void => {
  assert.equal(found.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(found[i]! - expected[i]!) <= tol * Math.max(1, Math.abs(expected[i]!)), `${label}[${i}]: expected ${expected[i]}, found ${found[i]}`);
};

describe('block soft-thresholding (trainer/src/proximal.ts shrink)', () => {
  // Rows of W = [[3, 4], [0.3, 0.4], [0, 0]]: norms 5, 0.5 and 0.
  const W = () => tf.tensor2d([3, 4, 0.3, 0.4, 0, 0], [3, 2]);

  it('shrinks each row by τ in norm, and sets a row no longer than τ to exactly zero', () => {
    const out = shrink(W(), undefined, 'rows', 1).dataSync();
    // Row 0: 5 → 4 (× 0.8); row 1: 0.5 ≤ 1 → 0; row 2 stays 0 (not NaN).
    closeAll(out, [2.4, 3.2, 0, 0, 0, 0]);
    assert.ok(Array.from(out).every(Number.isFinite));
  });

  it('shrinks columns the same way (the leading axes summed)', () => {
    // Column norms √(9 + 0.09) and √(16 + 0.16); τ = 1.
    const n0 = Math.sqrt(9.09);
    const n1 = Math.sqrt(16.16);
    const out = shrink(W(), undefined, 'cols', 1).dataSync();
    closeAll(out, [3 * (1 - 1 / n0), 4 * (1 - 1 / n1), 0.3 * (1 - 1 / n0), 0.4 * (1 - 1 / n1), 0, 0]);
  });

  it('under a preconditioner the shrink is τ over the group’s mean scale d_g', () => {
    // Row 0's d: 2 and 4 (mean 3): shrink 6/3 = 2 of 5 → × 0.6. Row 1's d: 0.5 and 0.5: shrink 1/0.5 = 2 > 0.5 → 0.
    const d = tf.tensor2d([2, 4, 0.5, 0.5, 1, 1], [3, 2]);
    closeAll(shrink(W(), d, 'rows', 6).dataSync(), [1.8, 2.4, 0, 0, 0, 0]);
  });

  it('a conv kernel’s groups are its input channels (rows) and output channels (columns)', () => {
    // [1, 1, 2, 2]: input channel 0 = [3, 4] (norm 5), channel 1 = [0, 0.5].
    const k = tf.tensor4d([3, 4, 0, 0.5], [1, 1, 2, 2]);
    closeAll(shrink(k, undefined, 'rows', 1).dataSync(), [2.4, 3.2, 0, 0]);
  });
});

const SPEC = (optimizer: string, update: string, lambda = 2) => `model p {
  data synthetic samples=16 classes=3
  input 6
  dense h 5 relu
  dense out 3
}
regularize {
  dropneuron ${lambda}
  group_scale sqrt
  inputs_weight 3
  update ${update}
}
train {
  batch 16
  optimizer ${optimizer}
  learning_rate 0.05
  seed 3
}
`;

/** A fixed batch of the model's shape, the same for every network. */
function batch(): { x: tf.Tensor; y: tf.Tensor } {
  const rng = new Rng(7);
  return {
    x: tf.tensor2d(
      Array.from({ length: 16 * 6 }, () => rng.normal()),
      [16, 6],
    ),
    y: tf.tensor2d(
      Array.from({ length: 16 }, (_, i) => i % 3),
      [16, 1],
    ),
  };
}

/** `steps` steps of the spec's network on the batch: the weights after each, and each step's loss parts. */
async function steps(spec: string, count: number, optimizer?: tf.Optimizer): Promise<{ weights: Float32Array[][]; parts: number[][]; network: Network }> {
  const model = analyze(spec).model!;
  const network = new Network(model, new Rng(model.train.seed), layerOpsFor('cpu'));
  const opt = optimizer ?? (model.train.optimizer === 'adam' ? new HostAdam(model.train.learningRate) : tf.train.sgd(model.train.learningRate));
  const { x, y } = batch();
  const weights: Float32Array[][] = [];
  const parts: number[][] = [];
  for (let i = 0; i < count; i++) {
    const p = stepLoss(network, opt, model.task, x, y, {});
    parts.push(Array.from(await p.data()));
    p.dispose();
    weights.push((await network.read()).flatMap((l) => [Float32Array.from(l.w), Float32Array.from(l.b)]));
  }
  return { weights, parts, network };
}

/** Row-then-column block soft-thresholding of a [rows, cols] matrix, written out on numbers. */
function handShrink(w: Float32Array, rows: number, cols: number, tauRow: number, tauCol: number, d?: Float32Array): Float32Array {
  const out = Float32Array.from(w);
  const mean = (idx: number[]) => (d ? idx.reduce((s, i) => s + d[i]!, 0) / idx.length : 1);
  const apply = (idx: number[], tau: number) => {
    const norm = Math.sqrt(idx.reduce((s, i) => s + out[i]! ** 2, 0));
    const f = Math.max(0, 1 - tau / (mean(idx) * norm));
    for (const i of idx) out[i] = out[i]! * f;
  };
  for (let r = 0; r < rows; r++)
    apply(
      [...Array(cols).keys()].map((c) => r * cols + c),
      tauRow,
    );
  for (let c = 0; c < cols; c++)
    apply(
      [...Array(rows).keys()].map((r) => r * cols + c),
      tauCol,
    );
  return out;
}

describe('the proximal update (`update proximal`) against a hand computation', () => {
  it('SGD: the step on the loss alone, then each layer’s rows and columns shrink by η·λ·0.1·c_g', async () => {
    const prox = await steps(SPEC('sgd', 'proximal', 18), 1);
    // The same network's step without DropNeuron's term is the data step; the shrink is then computed by hand.
    const plain = await steps(SPEC('sgd', 'gradient', 0), 1);
    const a = 0.05 * 18 * SEED_SCALE;
    // h: W [6, 5], rows are the inputs (√5 · inputs_weight 3), columns √6. out: W [5, 3], rows √3, columns √5.
    const expected = [
      handShrink(plain.weights[0]![0]!, 6, 5, a * Math.sqrt(5) * 3, a * Math.sqrt(6)),
      plain.weights[0]![1]!,
      handShrink(plain.weights[0]![2]!, 5, 3, a * Math.sqrt(3), a * Math.sqrt(5)),
      plain.weights[0]![3]!,
    ];
    prox.weights[0]!.forEach((w, i) => closeAll(w, expected[i]!, 1e-5, `tensor ${i}`));
    assert.ok(
      prox.weights[0]![0]!.some((v) => v === 0) && prox.weights[0]![0]!.some((v) => v !== 0),
      'λ this strong zeroes some of h’s groups exactly, not all',
    );
    // The loss parts still report DropNeuron's penalty (its value), and the data part is the plain step's.
    assert.equal(prox.parts[0]![0], plain.parts[0]![0]);
    assert.ok(prox.parts[0]![3]! > 0, 'the DropNeuron part is reported');
  });

  it('Adam: the shrink is taken in Adam’s metric, d = √v̂ + ε of the step just taken', async () => {
    const prox = await steps(SPEC('adam', 'proximal'), 1);
    const plain = await steps(SPEC('adam', 'gradient', 0), 1);
    // After one Adam step v̂ = g², so d = |g| + ε: the data gradient is recovered from the plain step,
    // w₁ = w₀ − η·g/(|g| + ε) moves each weight by η·sign(g), so take it from a gradient step of the same network.
    const model = analyze(SPEC('adam', 'gradient', 0)).model!;
    const network = new Network(model, new Rng(model.train.seed), layerOpsFor('cpu'));
    const { x, y } = batch();
    const { value, grads } = tf.variableGrads(() => tf.sum(lossVector(network, 'classify', x, y, {})) as tf.Scalar, network.variables);
    value.dispose();
    const g = (i: number) => grads[network.variables[i]!.name]!.dataSync() as Float32Array;
    const d = (i: number) => g(i).map((v) => Math.abs(v) + 1e-8);
    const a = 0.05 * 2 * SEED_SCALE;
    closeAll(prox.weights[0]![0]!, handShrink(plain.weights[0]![0]!, 6, 5, a * Math.sqrt(5) * 3, a * Math.sqrt(6), d(0)), 1e-5, 'h');
    closeAll(prox.weights[0]![2]!, handShrink(plain.weights[0]![2]!, 5, 3, a * Math.sqrt(3), a * Math.sqrt(5), d(2)), 1e-5, 'out');
  });

  it('tfjs’ own Adam (what a GPU backend trains with) shrinks as HostAdam does', async () => {
    const host = await steps(SPEC('adam', 'proximal'), 4);
    const own = await steps(SPEC('adam', 'proximal'), 4, tf.train.adam(0.05, 0.9, 0.999, 1e-8));
    host.weights.at(-1)!.forEach((w, i) => closeAll(own.weights.at(-1)![i]!, w, 1e-5, `tensor ${i}`));
  });

  it('groups reach exact zero under the proximal update and only hover near it under the gradient', async () => {
    const zeros = (w: Float32Array[]) => w.filter((_, i) => i % 2 === 0).reduce((n, t) => n + t.filter((v) => v === 0).length, 0);
    const prox = await steps(SPEC('adam', 'proximal'), 30);
    const grad = await steps(SPEC('adam', 'gradient'), 30);
    assert.ok(zeros(prox.weights.at(-1)!) > 0, 'proximal: exact zeros');
    assert.equal(zeros(grad.weights.at(-1)!), 0, 'gradient: no exact zeros');
  });
});
