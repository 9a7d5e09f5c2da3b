import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { analyze } from '../../language/index.ts';
import { dropout } from '../../trainer/src/dropout.ts';
import { BUILT_IN_OPS, REBUILT_OPS } from '../../trainer/src/ops.ts';
import { l1, l2, li, lo, penaltyVector, SEED_SCALE } from '../../trainer/src/penalties.ts';
import type { LayerParams } from '../../trainer/src/network.ts';
import { randomTensor } from './random.ts';
import { crossEntropy } from '../../trainer/src/step.ts';

// The hand-written gradients of the lean step (trainer/src/step.ts, penalties.ts, ops.ts) against tfjs'
// automatic differentiation of the plain formulas, on the cpu backend.
before(async () => {
  await tf.setBackend('cpu');
});

function assertClose(ours: tf.Tensor, reference: tf.Tensor, tol: number, what: string): void {
  const a = ours.dataSync();
  const b = reference.dataSync();
  assert.equal(a.length, b.length, what);
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
  assert.ok(worst <= tol, `${what}: max |ours − reference| = ${worst}, expected ≤ ${tol}`);
}

describe('the fused penalty op: values and gradients of l1, l2 and DropNeuron', () => {
  const weights = { l1: 2, l2: 3, dropneuron: 5 };
  const layer = (shape: number[], penalties: typeof weights) => ({ reg: { ...penalties, keepProb: 1 }, weightShape: shape }) as unknown as LayerParams['layer'];
  const reference = (w: tf.Tensor, b: tf.Tensor, p: typeof weights): tf.Tensor =>
    tf.stack([
      tf.mul(tf.add(l1(w), l1(b)), p.l1 * SEED_SCALE),
      tf.mul(tf.add(l2(w), l2(b)), p.l2 * SEED_SCALE),
      tf.mul(tf.add(lo(w), li(w)), p.dropneuron * SEED_SCALE),
    ]);

  for (const [name, shape] of [
    ['dense [6, 4] with a zero row', [6, 4]],
    ['conv [3, 3, 2, 5]', [3, 3, 2, 5]],
  ] as const) {
    for (const p of [weights, { l1: 0, l2: 0, dropneuron: 5 }, { l1: 2, l2: 0, dropneuron: 0 }]) {
      it(`${name}, weights ${JSON.stringify(p)}`, () => {
        const wValues = randomTensor([...shape], 1).dataSync() as Float32Array;
        if (shape.length === 2) wValues.fill(0, 0, shape[1]); // row 0: a pruned input neuron
        const w = tf.tensor(wValues, [...shape]);
        const b = randomTensor([shape[shape.length - 1]!], 2);
        // Weighted so that each term's gradient is checked apart from the others.
        const mix = tf.tensor1d([0.7, 1.3, 0.9]);
        const params = [{ layer: layer([...shape], p), w, b }] as unknown as LayerParams[];
        const ours = (wt: tf.Tensor, bt: tf.Tensor) =>
          tf.sum(tf.mul(penaltyVector([{ ...params[0]!, w: wt, b: bt } as LayerParams], { l1: 1, l2: 1, dropneuron: 1 }), mix));
        const theirs = (wt: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(reference(wt, bt, p), mix));
        assertClose(penaltyVector(params, { l1: 1, l2: 1, dropneuron: 1 }), reference(w, b, p), 1e-4, 'values');
        const [gw, gb] = tf.grads(ours as (...x: tf.Tensor[]) => tf.Scalar)([w, b]);
        const [rw, rb] = tf.grads(theirs as (...x: tf.Tensor[]) => tf.Scalar)([w, b]);
        assertClose(gw!, rw!, 1e-5, 'dW');
        assertClose(gb!, rb!, 1e-5, 'db');
      });
    }
  }

  it('the schedule’s multipliers scale each term, and a layer with every penalty off adds nothing', () => {
    const model = analyze('model m {\n  input 4\n  dense out 3\n}\nregularize {\n  l1 0.5\n  dropneuron 0.2\n}\n').model!;
    const w = randomTensor([4, 3], 3);
    const b = randomTensor([3], 4);
    const params = [{ layer: model.layers.find((l) => l.weightShape)!, w, b }] as unknown as LayerParams[];
    const full = penaltyVector(params, { l1: 1, l2: 1, dropneuron: 1 }).dataSync();
    const half = penaltyVector(params, { l1: 0.5, l2: 1, dropneuron: 0 }).dataSync();
    assert.ok(Math.abs(half[0]! - full[0]! / 2) < 1e-6 && half[2] === 0 && full[2]! > 0);
    assert.deepEqual(Array.from(penaltyVector(params, { l1: 0, l2: 0, dropneuron: 0 }).dataSync()), [0, 0, 0]);
  });
});

describe('softmax cross-entropy with its written-out gradient', () => {
  it('equals tf.losses.softmaxCrossEntropy in value and gradient; a share of a batch divides by the whole batch', () => {
    const logits = tf.mul(randomTensor([7, 5], 5), 4);
    const onehot = tf.oneHot(tf.tensor1d([0, 4, 2, 2, 1, 3, 0], 'int32'), 5);
    const reference = (z: tf.Tensor) => tf.losses.softmaxCrossEntropy(onehot, z) as tf.Scalar;
    assertClose(crossEntropy(logits, onehot, 7), reference(logits), 1e-5, 'value');
    assertClose(tf.grad((z: tf.Tensor) => crossEntropy(z, onehot, 7))(logits), tf.grad(reference)(logits), 1e-6, 'gradient');
    // Rows 0–2 and 3–6 of the batch, each divided by 7, add up to the whole batch's mean.
    const [top, rest] = [tf.slice(logits, 0, 3), tf.slice(logits, 3, 4)];
    const split = tf.add(crossEntropy(top, tf.slice(onehot, 0, 3), 7), crossEntropy(rest, tf.slice(onehot, 3, 4), 7));
    assertClose(split, reference(logits), 1e-5, 'two shares');
  });
});

describe('the dense op skips the gradient of the network input', () => {
  it('dW equals tfjs’ reference; dx is zeros, which nobody reads', () => {
    const x = randomTensor([9, 6], 6);
    const w = randomTensor([6, 4], 7);
    const r = randomTensor([9, 4], 8);
    const f = (onData: boolean) => (xt: tf.Tensor, wt: tf.Tensor) =>
      tf.sum(tf.mul((onData ? REBUILT_OPS : BUILT_IN_OPS).matMul(xt as tf.Tensor2D, wt as tf.Tensor2D, onData), r));
    const [dx, dw] = tf.grads(f(true) as (...t: tf.Tensor[]) => tf.Scalar)([x, w]);
    const [, rw] = tf.grads(f(false) as (...t: tf.Tensor[]) => tf.Scalar)([x, w]);
    assertClose(dw!, rw!, 1e-5, 'dW');
    assert.equal(tf.max(tf.abs(dx!)).dataSync()[0], 0);
  });
});

describe('dropout masks from a hash of (seed, position)', () => {
  it('a share of a batch gets its rows of the whole batch’s mask; about keep of the values stay, scaled by 1/keep', () => {
    const whole = dropout(tf.ones([40, 50]), 0.8, 123).dataSync();
    const share = dropout(tf.ones([15, 50]), 0.8, 123, { offset: 10, total: 40 }).dataSync();
    assert.deepEqual(Array.from(share), Array.from(whole.subarray(10 * 50, 25 * 50)));
    const kept = whole.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 1.25) < 1e-6));
    assert.ok(Math.abs(kept.length / whole.length - 0.8) < 0.03, `kept ${kept.length / whole.length}`);
    const other = dropout(tf.ones([40, 50]), 0.8, 124).dataSync();
    assert.notDeepEqual(Array.from(other), Array.from(whole), 'another seed, another mask');
  });
});
