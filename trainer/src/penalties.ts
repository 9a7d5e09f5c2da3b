import * as tf from '@tensorflow/tfjs-core';
import './gradients.ts';

/**
 * The seed builds every penalty as `regularizer(0.1)(W)` and multiplies by the command-line value, so
 * `l1 1e-4` in a spec means 1e-4 · 0.1 · Σ|w|, exactly as `python lenet-300-100.py 0.0001 ...`.
 * docs/method.md has the derivation.
 */
export const SEED_SCALE = 0.1;

/** Keeps the square root differentiable at 0: d/dw sqrt(Σw² + ε) = w / sqrt(Σw² + ε) is 0, not NaN, at w = 0. */
const EPSILON = 1e-12;
const SQRT_EPSILON = Math.sqrt(EPSILON);

/** Σ over groups of the groups' L2 norms; the groups are the slices left after summing over `axes`. */
function sumOfGroupNorms(w: tf.Tensor, axes: number[]): tf.Scalar {
  return tf.sum(tf.sub(tf.sqrt(tf.add(tf.sum(tf.square(w), axes), EPSILON)), SQRT_EPSILON));
}

/**
 * lo(W): Σ_i ‖W[i,:]‖ — each input neuron's outgoing weights. For a conv kernel [kh, kw, in, out] the
 * groups are the input channels.
 */
export function lo(w: tf.Tensor): tf.Scalar {
  return w.rank === 4 ? sumOfGroupNorms(w, [0, 1, 3]) : sumOfGroupNorms(w, [1]);
}

/** li(W): Σ_j ‖W[:,j]‖ — each output neuron's incoming weights; for a conv kernel, the output channels. */
export function li(w: tf.Tensor): tf.Scalar {
  return w.rank === 4 ? sumOfGroupNorms(w, [0, 1, 2]) : sumOfGroupNorms(w, [0]);
}

export function l1(t: tf.Tensor): tf.Scalar {
  return tf.sum(tf.abs(t));
}

/** TensorFlow's l2_loss: Σw²/2. */
export function l2(t: tf.Tensor): tf.Scalar {
  return tf.mul(tf.sum(tf.square(t)), 0.5);
}

export interface PenaltyWeights {
  l1: number;
  l2: number;
  dropneuron: number;
}

export interface PenaltyTerms {
  l1: tf.Scalar;
  l2: tf.Scalar;
  dropneuron: tf.Scalar;
}

/**
 * The three penalty terms of one layer, already multiplied by their weights and the seed's 0.1.
 * As in the seed, l1 and l2 cover the biases too; DropNeuron covers the weight matrix only.
 */
export function layerPenalties(w: tf.Tensor, b: tf.Tensor, weights: PenaltyWeights): PenaltyTerms {
  const zero = tf.scalar(0);
  return {
    l1: weights.l1 > 0 ? tf.mul(tf.add(l1(w), l1(b)), weights.l1 * SEED_SCALE) : zero,
    l2: weights.l2 > 0 ? tf.mul(tf.add(l2(w), l2(b)), weights.l2 * SEED_SCALE) : zero,
    dropneuron: weights.dropneuron > 0 ? tf.mul(tf.add(lo(w), li(w)), weights.dropneuron * SEED_SCALE) : zero,
  };
}
