import * as tf from '@tensorflow/tfjs-core';
import { HostAdam } from './hostAdam.ts';
import { hostMemory, Scratch, tensorFromScratch, valuesOf } from './hostMemory.ts';
import type { Network } from './network.ts';
import { groupSums, SEED_SCALE, withInputs, type Norms, type PenaltyWeights } from './penalties.ts';
import { useFused } from './webgpu/fused.ts';
import { fusedShrink } from './webgpu/shrink.ts';

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
  // On wasm and cpu with HostAdam (or no preconditioner) one pass on the host: the same shrink as tensor ops took
  // 6.3 ms of a 16 ms LeNet-300-100 step on wasm, a dozen kernels and a tensor of Adam's scales per layer.
  const onHost = hostMemory() && (optimizer instanceof HostAdam || !hasPreconditioner(optimizer));
  network.params.forEach((p, i) => {
    const a = p.layer.reg.dropneuron * scale.dropneuron * SEED_SCALE;
    if (!(a > 0)) return;
    const groups = withInputs(network.groups[i]!, inputs);
    const tauRows = learningRate * a * groups.rows;
    const tauCols = learningRate * a * groups.cols;
    const index = variables.indexOf(p.w);
    const next = onHost
      ? hostShrink(p.w, optimizer instanceof HostAdam ? optimizer.preconditionerValues(index) : undefined, tauRows, tauCols)
      : useFused()
        ? fusedShrink(p.w, optimizer, index, tauRows, tauCols) // webgpu: three dispatches (trainer/src/webgpu/shrink.ts)
        : tf.tidy(() => {
            const d = tensorPreconditioner(optimizer, index);
            return shrink(shrink(p.w, d, 'rows', tauRows), d, 'cols', tauCols);
          });
    p.w.assign(next);
    next.dispose();
  });
}

const scratch = new Scratch();

/**
 * The host loop of shrink (rows, then columns) over a weight tensor whose last axis is its columns and whose
 * second-to-last its rows (dense [in, out], conv [kh, kw, in, out]): weight j is in column j mod out and in row
 * ⌊j / out⌋ mod in.
 */
function hostShrink(w: tf.Tensor, d: Float32Array | undefined, tauRows: number, tauCols: number): tf.Tensor {
  const values = valuesOf(w);
  const out = scratch.take(values.length);
  const cols = w.shape[w.rank - 1]!;
  const rows = w.shape[w.rank - 2]!;
  const factors = (sq: Float64Array, ds: Float64Array, count: number, tau: number): Float64Array =>
    sq.map((s, g) => {
      const scaled = Math.sqrt(s) * (d ? ds[g]! / count : 1);
      // A zero group stays zero: τ / 0 is infinite.
      return Math.max(0, 1 - tau / scaled);
    });
  // The weights come in runs of `cols`, one column each; run k lies in row k mod rows.
  const rowSq = new Float64Array(rows);
  const rowD = new Float64Array(rows);
  for (let at = 0, k = 0; at < values.length; at += cols, k++) {
    const r = k % rows;
    let sq = 0;
    let ds = 0;
    for (let c = 0; c < cols; c++) {
      sq += values[at + c]! * values[at + c]!;
      if (d) ds += d[at + c]!;
    }
    rowSq[r]! += sq;
    rowD[r]! += ds;
  }
  const rowFactor = factors(rowSq, rowD, values.length / rows, tauRows);
  const colSq = new Float64Array(cols);
  const colD = new Float64Array(cols);
  for (let at = 0, k = 0; at < values.length; at += cols, k++) {
    const f = rowFactor[k % rows]!;
    for (let c = 0; c < cols; c++) {
      const x = values[at + c]! * f;
      out[at + c] = x;
      colSq[c]! += x * x;
      if (d) colD[c]! += d[at + c]!;
    }
  }
  const colFactor = factors(colSq, colD, values.length / cols, tauCols);
  for (let at = 0; at < values.length; at += cols) {
    for (let c = 0; c < cols; c++) out[at + c] = out[at + c]! * colFactor[c]!;
  }
  return tensorFromScratch(out, w.shape);
}

/** `w` with each of its `groups` shrunk by `tau` / d_g in norm, and set to zero where its norm is no larger than that. */
export function shrink(w: tf.Tensor, d: tf.Tensor | undefined, groups: Norms, tau: number): tf.Tensor {
  const norm = tf.sqrt(groupSums(tf.square(w), groups));
  const scaled = d ? tf.mul(norm, tf.div(groupSums(d, groups), d.size / norm.size)) : norm;
  // A zero group stays zero: τ / 0 is infinite, and relu(1 − ∞) is 0.
  return tf.mul(w, tf.relu(tf.sub(1, tf.div(tau, scaled))));
}

/** tfjs' Adam as proximal.ts reads it: its second moments (in network.variables order), β₂ and ε. */
type TfAdam = { accumulatedSecondMoment?: { variable: tf.Variable }[]; beta2?: number; epsilon?: number };

function hasPreconditioner(optimizer: tf.Optimizer): boolean {
  return (optimizer as unknown as TfAdam).accumulatedSecondMoment !== undefined;
}

/** tfjs' Adam's per-weight scale of its last step, √v̂ + ε, as a tensor (GPU backends keep it there), or undefined where it has none (SGD, momentum). */
function tensorPreconditioner(optimizer: tf.Optimizer, index: number): tf.Tensor | undefined {
  const adam = optimizer as unknown as TfAdam;
  const v = adam.accumulatedSecondMoment?.[index]?.variable;
  if (!v || adam.beta2 === undefined || adam.epsilon === undefined || optimizer.iterations === 0) return undefined;
  return tf.add(tf.sqrt(tf.div(v, 1 - adam.beta2 ** optimizer.iterations)), adam.epsilon);
}
