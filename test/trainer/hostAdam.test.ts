import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../../trainer/src/backend.ts';
import { HostAdam } from '../../trainer/src/hostAdam.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { randomValues } from './random.ts';

// HostAdam (trainer/src/hostAdam.ts) against tfjs' AdamOptimizer: the same update, the same state, on the two
// backends it is used on.

const SHAPES = [[7, 5], [5], [3, 2, 2, 4]];

/** Fresh variables (the same values for the same seed) and a gradient list for each of `steps` steps. */
function problem(prefix: string, steps: number) {
  const rng = new Rng(3);
  const variables = SHAPES.map((shape, i) =>
    tf.variable(
      tf.tensor(
        randomValues(
          shape.reduce((a, b) => a * b, 1),
          rng,
        ),
        shape,
      ),
      true,
      `${prefix}${i}`,
    ),
  );
  const grads = Array.from({ length: steps }, () => variables.map((v) => randomValues(v.size, rng, 0.1)));
  return { variables, grads };
}

function step(optimizer: tf.Optimizer, variables: tf.Variable[], grads: Float32Array[]): void {
  const tensors = variables.map((v, i) => tf.tensor(grads[i]!, v.shape));
  optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: tensors[i]! })));
  tf.dispose(tensors);
}

function maxDiff(a: tf.Tensor[], b: tf.Tensor[]): number {
  let worst = 0;
  a.forEach((t, i) => {
    const x = t.dataSync();
    const y = b[i]!.dataSync();
    assert.deepEqual(t.shape, b[i]!.shape);
    for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k]! - y[k]!));
  });
  return worst;
}

let unique = 0;
/** Steps `steps` times with each optimizer from the same start; the learning rate changes halfway, as the schedule does. */
function compare(make: () => tf.Optimizer, steps = 12) {
  const ours = problem(`ours${unique}/`, steps);
  const theirs = problem(`theirs${unique++}/`, steps);
  const a = make();
  const b = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
  for (let s = 0; s < steps; s++) {
    if (s === steps / 2) {
      (a as unknown as { learningRate: number }).learningRate = 0.003;
      (b as unknown as { learningRate: number }).learningRate = 0.003;
    }
    step(a, ours.variables, ours.grads[s]!);
    step(b, theirs.variables, theirs.grads[s]!);
  }
  return { a, b, ours: ours.variables, theirs: theirs.variables };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`HostAdam on ${backend}`, () => {
    it('takes the steps tfjs’ Adam takes, and holds the same moments', async () => {
      await selectBackend(backend);
      const { a, b, ours, theirs } = compare(() => new HostAdam(0.01));
      const diff = maxDiff(ours, theirs);
      assert.ok(diff <= 2e-6, `max |HostAdam − tf Adam| over the weights after 12 steps = ${diff}, expected ≤ 2e-6`);
      const [wa, wb] = [await a.getWeights(), await b.getWeights()];
      assert.deepEqual(
        wa.map((w) => w.name.replace(/^ours\d+/, '')),
        wb.map((w) => w.name.replace(/^theirs\d+/, '')),
        'expected the same state under the same names',
      );
      const moments = maxDiff(
        wa.map((w) => w.tensor),
        wb.map((w) => w.tensor),
      );
      assert.ok(moments <= 1e-6, `max |difference| of the optimizer state = ${moments}, expected ≤ 1e-6`);
      tf.dispose([...wa.map((w) => w.tensor), ...ours, ...theirs]);
      a.dispose();
      b.dispose();
    });

    it('resumes from tfjs’ Adam’s checkpointed state and tfjs’ Adam from its own', async () => {
      await selectBackend(backend);
      const steps = 8;
      const reference = problem(`ref${unique}/`, steps);
      const mixed = problem(`mixed${unique++}/`, steps);
      const plain = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
      for (const g of reference.grads) step(plain, reference.variables, g);
      // tf Adam for three steps, HostAdam for three from its state, tf Adam again for the rest.
      let current: tf.Optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
      for (let s = 0; s < steps; s++) {
        if (s === 3 || s === 6) {
          const state = await current.getWeights();
          const next: tf.Optimizer = s === 3 ? new HostAdam(0.01) : tf.train.adam(0.01, 0.9, 0.999, 1e-8);
          await next.setWeights(state.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) })));
          current.dispose();
          current = next;
        }
        step(current, mixed.variables, mixed.grads[s]!);
      }
      const diff = maxDiff(mixed.variables, reference.variables);
      assert.ok(diff <= 2e-6, `max |handed over − unbroken| = ${diff}, expected ≤ 2e-6`);
      tf.dispose([...mixed.variables, ...reference.variables]);
      current.dispose();
      plain.dispose();
    });
  });
}

describe('HostAdam is told apart from tfjs optimizers', () => {
  it('instanceof HostAdam is false for tfjs’ own (tf.Optimizer answers instanceof by duck typing)', () => {
    for (const other of [tf.train.sgd(0.1), tf.train.adam(0.1), tf.train.momentum(0.1, 0.9)]) {
      assert.equal(other instanceof HostAdam, false, `expected a ${other.getClassName()} not to pass as HostAdam`);
      other.dispose();
    }
    assert.ok(new HostAdam(0.1) instanceof HostAdam);
    assert.ok(new HostAdam(0.1) instanceof tf.Optimizer);
  });
});

describe('HostAdam on wasm: what reads the weights after a step', () => {
  it('a matMul after the update multiplies by the new weights (wasm caches packed weights by tensor)', async () => {
    await selectBackend('wasm');
    const v = tf.variable(tf.tensor([1, 2, 3, 4], [2, 2]), true, `packed${unique++}`);
    const x = tf.tensor([
      [1, 0],
      [0, 1],
    ]);
    tf.matMul(x, v).dispose(); // packs v's values
    const optimizer = new HostAdam(0.5);
    step(optimizer, [v], [Float32Array.of(1, 1, 1, 1)]);
    const product = Array.from(tf.matMul(x, v).dataSync());
    assert.ok(
      product.every((p, i) => Math.abs(p - ([1, 2, 3, 4][i]! - 0.5)) < 1e-5),
      `expected x·W with the stepped W (each value 0.5 lower), found ${product.join(', ')}`,
    );
    tf.dispose([v, x]);
    optimizer.dispose();
  });
});
