import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PENALTY_TERM_NAMES, perPenalty } from '../../language/index.ts';
import { layerPenalties, li, lo, l1, l2, SEED_SCALE } from '../../trainer/src/penalties.ts';

before(async () => {
  await tf.setBackend('cpu');
});

const close = (a: number, b: number, tol = 1e-5): void => assert.ok(Math.abs(a - b) <= tol, `expected ${b}, found ${a}`);
const closeAll = (a: ArrayLike<number>, b: number[], tol = 1e-5): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < b.length; i++) close(a[i]!, b[i]!, tol);
};

describe('DropNeuron penalties on a tiny matrix with a zero group', () => {
  // W = [[3, 4], [0, 0]]: row norms 5 and 0; column norms 3 and 4.
  const W = (): tf.Tensor2D =>
    tf.tensor2d([
      [3, 4],
      [0, 0],
    ]);

  it('lo = Σ row norms = 5, li = Σ column norms = 7', () => {
    close(lo(W()).dataSync()[0]!, 5);
    close(li(W()).dataSync()[0]!, 7);
  });

  it('gradients are the normalised groups, and 0 (not NaN) for the zero row', () => {
    const gLo = tf
      .grad((w: tf.Tensor) => lo(w))(W())
      .dataSync();
    closeAll(gLo, [0.6, 0.8, 0, 0]);
    const gLi = tf
      .grad((w: tf.Tensor) => li(w))(W())
      .dataSync();
    closeAll(gLi, [1, 1, 0, 0]);
    const zero = tf
      .grad((w: tf.Tensor) => tf.add(lo(w), li(w)))(tf.zeros([2, 2]))
      .dataSync();
    assert.ok(
      Array.from(zero).every((v) => Number.isFinite(v) && v === 0),
      `expected finite zeros, found ${Array.from(zero)}`,
    );
  });

  it('l1 = Σ|w|, l2 = Σw²/2 (TensorFlow l2_loss)', () => {
    close(l1(tf.tensor1d([3, -4, 0])).dataSync()[0]!, 7);
    close(l2(tf.tensor1d([3, -4, 0])).dataSync()[0]!, 12.5);
  });

  it('layer penalties carry the seed scale 0.1, and l1/l2 include the biases as in the seed', () => {
    const b = tf.tensor1d([1, -1]);
    const t = layerPenalties(W(), b, { l1: 2, l2: 3, dropneuron: 5 });
    close(t.l1.dataSync()[0]!, 2 * SEED_SCALE * (7 + 2));
    close(t.l2.dataSync()[0]!, 3 * SEED_SCALE * (12.5 + 1));
    close(t.dropneuron.dataSync()[0]!, 5 * SEED_SCALE * (5 + 7));
  });

  it('conv kernels group by input channel (lo) and output channel (li)', () => {
    // [kh=1, kw=2, in=2, out=1]: input channel 0 has weights (3, 4) over the window, channel 1 zeros.
    const k = tf.tensor4d([3, 0, 4, 0], [1, 2, 2, 1]);
    close(lo(k).dataSync()[0]!, 5);
    close(li(k).dataSync()[0]!, 5);
    const k2 = tf.tensor4d([3, 4], [1, 1, 1, 2]); // one input channel, two output channels
    close(lo(k2).dataSync()[0]!, 5);
    close(li(k2).dataSync()[0]!, 7);
  });
});

describe('the penalty table (PENALTY_TERMS and PENALTY_MATH)', () => {
  const w = (): tf.Tensor2D =>
    tf.tensor2d([
      [0.5, -1],
      [0, 2],
      [1.5, 0],
    ]);
  const b = (): tf.Tensor1D => tf.tensor1d([0.3, -0.2]);
  const all = perPenalty((t) => PENALTY_TERM_NAMES.indexOf(t) + 1);
  const alone = (term: string) => perPenalty((t) => (t === term ? all[t] : 0));
  const gradsOf = (weights: typeof all, term: (typeof PENALTY_TERM_NAMES)[number]) =>
    tf
      .grads((wt: tf.Tensor, bt: tf.Tensor) => layerPenalties(wt, bt, weights)[term])([w(), b()])
      .map((g) => Array.from(g.dataSync()));

  it('each term is its own: alone it gives its entry of the layer op and its gradient, the other entries 0', () => {
    const full = layerPenalties(w(), b(), all);
    for (const term of PENALTY_TERM_NAMES) {
      const one = layerPenalties(w(), b(), alone(term));
      for (const t of PENALTY_TERM_NAMES) close(one[t].dataSync()[0]!, t === term ? full[t].dataSync()[0]! : 0);
      const [dwAlone, dbAlone] = gradsOf(alone(term), term);
      const [dwFull, dbFull] = gradsOf(all, term);
      closeAll(dwAlone!, dwFull!);
      closeAll(dbAlone!, dbFull!);
    }
  });
});

describe('weighed DropNeuron groups (`group_scale sqrt`, `inputs_weight`) against the formula', () => {
  // W = [[3, 4], [0, 0], [1, 0]]: rows (inputs) 5, 0, 1; columns (neurons) √10, 4.
  const W = (): tf.Tensor2D =>
    tf.tensor2d([
      [3, 4],
      [0, 0],
      [1, 0],
    ]);
  const b = (): tf.Tensor1D => tf.tensor1d([0, 0]);
  const groups = { rows: 2.5, cols: 0.5, readsInputs: true };

  it('the value is a·(r·Σ‖row‖ + c·Σ‖column‖)', () => {
    const value = layerPenalties(W(), b(), { l1: 0, l2: 0, dropneuron: 4 }, groups).dropneuron.dataSync()[0]!;
    close(value, 4 * SEED_SCALE * (2.5 * (5 + 0 + 1) + 0.5 * (Math.sqrt(10) + 4)), 1e-4);
  });

  it('the gradient is a·W ⊙ (r/‖row‖ ⊕ c/‖column‖), 0 on the zero row', () => {
    const a = 4 * SEED_SCALE;
    const grad = tf
      .grad((w: tf.Tensor) => layerPenalties(w, b(), { l1: 0, l2: 0, dropneuron: 4 }, groups).dropneuron)(W())
      .dataSync();
    const rows = [5, 0, 1];
    const cols = [Math.sqrt(10), 4];
    const w = [
      [3, 4],
      [0, 0],
      [1, 0],
    ];
    const expected = w.flatMap((row, i) => row.map((v, j) => (v === 0 ? 0 : a * v * (2.5 / rows[i]! + 0.5 / cols[j]!))));
    closeAll(grad, expected, 1e-4);
  });

  it('evenly weighed groups give the seed’s value and gradient exactly', () => {
    const even = layerPenalties(W(), b(), { l1: 0, l2: 0, dropneuron: 4 }, { rows: 1, cols: 1, readsInputs: true }).dropneuron.dataSync()[0]!;
    const seed = layerPenalties(W(), b(), { l1: 0, l2: 0, dropneuron: 4 }).dropneuron.dataSync()[0]!;
    assert.equal(even, seed);
  });
});
