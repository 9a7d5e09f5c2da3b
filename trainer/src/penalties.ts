import * as tf from '@tensorflow/tfjs-core';
import type { LayerParams } from './network.ts';
import './gradients.ts';
import { sumLeading } from './reduce.ts';

/**
 * The seed builds every penalty as `regularizer(0.1)(W)` and multiplies by the command-line value, so
 * `l1 1e-4` in a spec means 1e-4 · 0.1 · Σ|w|, exactly as `python lenet-300-100.py 0.0001 ...`.
 * docs/method.md has the derivation.
 */
export const SEED_SCALE = 0.1;

/** Keeps the square root differentiable at 0: d/dw sqrt(Σw² + ε) = w / sqrt(Σw² + ε) is 0, not NaN, at w = 0. */
const EPSILON = 1e-12;
const SQRT_EPSILON = Math.sqrt(EPSILON);

/** The axes summed to get lo's groups (rows: input neurons or channels) and li's (columns: output ones). */
function rowAxes(w: tf.Tensor): number[] {
  return w.rank === 4 ? [0, 1, 3] : [1];
}
function colAxes(w: tf.Tensor): number[] {
  return w.rank === 4 ? [0, 1, 2] : [0];
}
/** The column norms' shape with the summed (leading) axes kept as 1s. */
function colShape(w: tf.Tensor): number[] {
  return w.shape.map((n, i) => (i === w.rank - 1 ? n : 1));
}

/** Σ over groups of the groups' L2 norms; the groups are the slices left after summing over `axes`. */
function sumOfGroupNorms(w: tf.Tensor, axes: number[]): tf.Scalar {
  return tf.sum(tf.sub(tf.sqrt(tf.add(tf.sum(tf.square(w), axes), EPSILON)), SQRT_EPSILON));
}

/**
 * lo(W): Σ_i ‖W[i,:]‖ — each input neuron's outgoing weights. For a conv kernel [kh, kw, in, out] the
 * groups are the input channels.
 */
export function lo(w: tf.Tensor): tf.Scalar {
  return sumOfGroupNorms(w, rowAxes(w));
}

/** li(W): Σ_j ‖W[:,j]‖ — each output neuron's incoming weights; for a conv kernel, the output channels. */
export function li(w: tf.Tensor): tf.Scalar {
  return sumOfGroupNorms(w, colAxes(w));
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

/** d|x|/dx as tfjs' own Abs gradient takes it (−1 at 0), so that the hand-written gradient trains exactly as before. */
function absSlope(x: tf.Tensor): tf.Tensor {
  return tf.step(x, -1);
}

/** The penalty terms in the order of `penaltyVector`'s entries. */
export const PENALTY_TERMS = ['l1', 'l2', 'dropneuron'] as const;

/**
 * One layer's three penalty terms as a [3] tensor (l1, l2, dropneuron), each already multiplied by its
 * weight and the seed's 0.1, with a gradient written out by hand. Automatic differentiation of the same
 * formulas runs about three times as many kernels, most of them over the whole weight tensor; here W² is
 * computed once and feeds l2, the row norms and the column norms, and dPenalty/dW is one expression:
 *   a1·sign(W) + W ⊙ (a2 + ad·(1/‖row‖ ⊕ 1/‖column‖))
 * As in the seed, l1 and l2 cover the biases too; DropNeuron covers the weight tensor only.
 */
function layerPenaltyOp(weights: PenaltyWeights) {
  const a1 = weights.l1 * SEED_SCALE;
  const a2 = weights.l2 * SEED_SCALE;
  const ad = weights.dropneuron * SEED_SCALE;
  const f = (w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const zero = tf.scalar(0);
    const sq = tf.square(w);
    const rows = ad > 0 ? tf.sqrt(tf.add(tf.sum(sq, rowAxes(w), true), EPSILON)) : undefined;
    const cols = ad > 0 ? tf.sqrt(tf.add(tf.reshape(sumLeading(sq), colShape(w)), EPSILON)) : undefined;
    const l1Term = a1 > 0 ? tf.mul(tf.add(tf.sum(tf.abs(w)), tf.sum(tf.abs(b))), a1) : zero;
    const l2Term = a2 > 0 ? tf.mul(tf.add(tf.sum(sq), tf.sum(tf.square(b))), a2 * 0.5) : zero;
    const dnTerm = rows && cols ? tf.mul(tf.sub(tf.add(tf.sum(rows), tf.sum(cols)), SQRT_EPSILON * (rows.size + cols.size)), ad) : zero;
    save([w, b, ...(rows && cols ? [rows, cols] : [])]);
    return {
      value: tf.stack([l1Term, l2Term, dnTerm]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sw, sb, sRows, sCols] = saved as [tf.Tensor, tf.Tensor, tf.Tensor?, tf.Tensor?];
        const [d1, d2, dd] = tf.unstack(dy) as [tf.Scalar, tf.Scalar, tf.Scalar];
        // The factor that multiplies W: a2 from l2, ad·(1/‖row‖ + 1/‖column‖) from DropNeuron (broadcast sum).
        let factor: tf.Tensor | undefined;
        if (sRows && sCols) factor = tf.mul(tf.add(tf.reciprocal(sRows), tf.reciprocal(sCols)), tf.mul(dd, ad));
        if (a2 > 0) factor = factor ? tf.add(factor, tf.mul(d2, a2)) : tf.mul(d2, a2);
        const l1Scale = a1 > 0 ? tf.mul(d1, a1) : undefined;
        let dw: tf.Tensor = factor ? tf.mul(sw, factor) : tf.zerosLike(sw);
        if (l1Scale) dw = tf.add(dw, tf.mul(absSlope(sw), l1Scale));
        let db: tf.Tensor = a2 > 0 ? tf.mul(sb, tf.mul(d2, a2)) : tf.zerosLike(sb);
        if (l1Scale) db = tf.add(db, tf.mul(absSlope(sb), l1Scale));
        return [dw, db];
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (w: tf.Tensor, b: tf.Tensor) => tf.Tensor1D;
}

/**
 * Σ over the layers of their penalty terms, as a [3] tensor (PENALTY_TERMS order): each layer's spec weights
 * times the schedule's multipliers (`scale`). Layers whose penalties are all off add nothing.
 */
export function penaltyVector(params: readonly LayerParams[], scale: PenaltyWeights): tf.Tensor1D {
  const terms: tf.Tensor1D[] = [];
  for (const p of params) {
    const reg = p.layer.reg;
    const weights = { l1: reg.l1 * scale.l1, l2: reg.l2 * scale.l2, dropneuron: reg.dropneuron * scale.dropneuron };
    if (weights.l1 > 0 || weights.l2 > 0 || weights.dropneuron > 0) terms.push(layerPenaltyOp(weights)(p.w, p.b));
  }
  if (!terms.length) return tf.zeros([3]);
  return terms.length === 1 ? terms[0]! : (tf.addN(terms) as tf.Tensor1D);
}

/**
 * The three penalty terms of one layer, already multiplied by their weights and the seed's 0.1, as scalars
 * (the same values penaltyVector sums).
 */
export function layerPenalties(w: tf.Tensor, b: tf.Tensor, weights: PenaltyWeights): PenaltyTerms {
  const zero = tf.scalar(0);
  if (!(weights.l1 > 0 || weights.l2 > 0 || weights.dropneuron > 0)) return { l1: zero, l2: zero, dropneuron: zero };
  const [l1Term, l2Term, dnTerm] = tf.unstack(layerPenaltyOp(weights)(w, b)) as [tf.Scalar, tf.Scalar, tf.Scalar];
  return { l1: l1Term, l2: l2Term, dropneuron: dnTerm };
}
