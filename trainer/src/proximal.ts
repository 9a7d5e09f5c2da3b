import * as tf from '@tensorflow/tfjs-core';
import { HostAdam } from './hostAdam.ts';
import type { Network } from './network.ts';
import { colAxes, rowAxes, SEED_SCALE, withInputs, type PenaltyWeights } from './penalties.ts';
import { sumLeading } from './reduce.ts';

/**
 * DropNeuron's proximal step (`regularize { update proximal }`). The optimizer steps on the loss without DropNeuron's
 * term (penalties.ts leaves its gradient out); then each group g of each layer shrinks by block soft-thresholding,
 *   w_g ← w_g · max(0, 1 − η·a·c_g / (d_g·‖w_g‖)),
 * the proximal operator of a·c_g·‖w_g‖ for a step of size η/d_g: a = the layer's λ × the seed's 0.1 × the epoch's
 * multiplier, c_g the group's weight (group_scale, inputs_weight), η the learning rate. A group smaller than its
 * shrink becomes exactly zero, which the gradient of ‖w_g‖ never makes it: that one pushes by a·c_g in the
 * group's direction and overshoots back and forth around zero.
 *
 * d_g scales the step as the optimizer scaled the data step: under Adam the weight j moved by η·m̂ⱼ/dⱼ with
 * dⱼ = √v̂ⱼ + ε, so the shrink is taken in that metric (ProxGen, Yun, Lozano & Yang 2021), with dⱼ averaged
 * over the group: the exact weighted proximal operator has no closed form (Deleu & Bengio 2021 solve a 1-D root
 * per group), and the group's mean keeps one factor per group. Other optimizers take d = 1, plain proximal
 * gradient. Rows (lo) and columns (li) overlap; the step shrinks rows, then columns (each step exact for its own
 * groups), as proximal methods for overlapping groups commonly do. docs/method.md has the measurements.
 */
export function proximalStep(network: Network, optimizer: tf.Optimizer, scale: PenaltyWeights, inputs = 1): void {
  if (network.model.regularize.update !== 'proximal' || !(scale.dropneuron > 0)) return;
  // The rate the step just took: every tfjs optimizer, and HostAdam, keeps it in `learningRate` (schedule.ts sets it).
  const learningRate = (optimizer as unknown as { learningRate: number }).learningRate;
  const variables = network.variables;
  network.params.forEach((p, i) => {
    const a = p.layer.reg.dropneuron * scale.dropneuron * SEED_SCALE;
    if (!(a > 0)) return;
    const groups = withInputs(network.groups[i]!, inputs);
    const next = tf.tidy(() => {
      const d = preconditioner(optimizer, variables.indexOf(p.w));
      const rows = shrink(p.w, d, rowAxes(p.w), learningRate * a * groups.rows);
      return shrink(rows, d, colAxes(p.w), learningRate * a * groups.cols);
    });
    p.w.assign(next);
    next.dispose();
  });
}

/**
 * `w` with each group (the slices left after summing over `axes`) shrunk by `tau` / d_g in norm, and set to zero where
 * its norm is no larger than that.
 */
export function shrink(w: tf.Tensor, d: tf.Tensor | undefined, axes: number[], tau: number): tf.Tensor {
  const norm = tf.sqrt(groupSum(tf.square(w), axes));
  const scaled = d ? tf.mul(norm, tf.div(groupSum(d, axes), d.size / norm.size)) : norm;
  // A zero group stays zero: τ / 0 is infinite, and relu(1 − ∞) is 0.
  return tf.mul(w, tf.relu(tf.sub(1, tf.div(tau, scaled))));
}

/** Σ over `axes`, kept as 1s; the columns' (every axis but the last) through sumLeading, which wasm's Sum is slow at. */
function groupSum(t: tf.Tensor, axes: number[]): tf.Tensor {
  const leading = axes.length === t.rank - 1 && axes.every((a, i) => a === i);
  return leading
    ? tf.reshape(
        sumLeading(t),
        t.shape.map((n, i) => (i === t.rank - 1 ? n : 1)),
      )
    : tf.sum(t, axes, true);
}

/** The optimizer's per-weight scale of its last step (√v̂ + ε under Adam), or undefined where it has none (SGD, momentum). */
function preconditioner(optimizer: tf.Optimizer, index: number): tf.Tensor | undefined {
  if (optimizer instanceof HostAdam) return optimizer.preconditioner(index);
  // tfjs' Adam (GPU backends) keeps its second moments on the device, in network.variables order.
  const adam = optimizer as unknown as { accumulatedSecondMoment?: { variable: tf.Variable }[]; beta2?: number; epsilon?: number };
  const v = adam.accumulatedSecondMoment?.[index]?.variable;
  if (!v || adam.beta2 === undefined || adam.epsilon === undefined || optimizer.iterations === 0) return undefined;
  return tf.add(tf.sqrt(tf.div(v, 1 - adam.beta2 ** optimizer.iterations)), adam.epsilon);
}
