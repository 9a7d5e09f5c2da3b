import * as tf from '@tensorflow/tfjs-core';
import { hasPenalty, PENALTY_TERM_NAMES, perPenalty, type PenaltyTerm, type PerPenalty } from '../../language/index.ts';
import { EVEN_GROUPS, type GroupWeights } from './groupWeights.ts';
import type { LayerParams } from './network.ts';
import './gradients.ts';
import { sumLeading } from './reduce.ts';
import { useFused } from './webgpu/fused.ts';
import { FUSED_PENALTY_TERMS, fusedLayerPenalties } from './webgpu/penalties.ts';

/**
 * The seed builds every penalty as `regularizer(0.1)(W)` and multiplies by the command-line value, so
 * `l1 1e-4` in a spec means 1e-4 · 0.1 · Σ|w|, exactly as `python lenet-300-100.py 0.0001 ...`.
 * docs/method.md has the derivation.
 */
export const SEED_SCALE = 0.1;

/**
 * Keeps the square root differentiable at 0: d/dw sqrt(Σw² + ε) = w / sqrt(Σw² + ε) is 0, not NaN, at w = 0. The
 * ort step graph (ort/stepGraph.ts) takes the same ε, so that both compute one penalty.
 */
export const NORM_EPSILON = 1e-12;
const EPSILON = NORM_EPSILON;
const SQRT_EPSILON = Math.sqrt(EPSILON);

/** The axes summed to get lo's groups (rows: input neurons or channels) and li's (columns: output ones). */
function rowAxes(w: tf.Tensor): number[] {
  return w.rank === 4 ? [0, 1, 3] : [1];
}
function colAxes(w: tf.Tensor): number[] {
  return w.rank === 4 ? [0, 1, 2] : [0];
}

/** Group norms a term reads: each row's (lo's groups: input neurons or channels), each column's (li's: output ones). */
export type Norms = 'rows' | 'cols';

/**
 * Σ of `t` over each group, kept in `t`'s rank with the summed axes as 1s ([in, 1] or [1, out]; conv [1, 1, in, 1] or
 * [1, 1, 1, out]). The columns' sum goes through sumLeading: wasm's Sum over leading axes transposes the tensor first.
 */
export function groupSums(t: tf.Tensor, groups: Norms): tf.Tensor {
  if (groups === 'rows') return tf.sum(t, rowAxes(t), true);
  return tf.reshape(
    sumLeading(t),
    t.shape.map((n, i) => (i === t.rank - 1 ? n : 1)),
  );
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

/** One multiplier per penalty term: the layer's strengths times the schedule's (`scale`). */
export type PenaltyWeights = PerPenalty;

/** Multipliers of the spec's strengths that leave them as they are (the schedule's outside warm-up and fine-tune). */
export const FULL_PENALTIES: PenaltyWeights = perPenalty(() => 1);

/** d|x|/dx as tfjs' own Abs gradient takes it (−1 at 0), so that the hand-written gradient trains exactly as before. */
function absSlope(x: tf.Tensor): tf.Tensor {
  return tf.step(x, -1);
}

/** What a term's gradient reads, saved by the forward pass: the layer's weight and bias, the norms asked for. */
interface Saved {
  w: tf.Tensor;
  b: tf.Tensor;
  /** sqrt(Σ_row w² + ε), kept as [in, 1] (conv: [1, 1, in, 1]); present when a term reads it. */
  rows?: tf.Tensor;
  /** sqrt(Σ_col w² + ε), kept as [1, out] (conv: [1, 1, 1, out]); present when a term reads it. */
  cols?: tf.Tensor;
}

/** What a term's value reads: the saved tensors and W², computed once for every term. */
interface Forward extends Saved {
  sq: tf.Tensor;
}

/** The layer's own constants a term's math reads: its groups' weights (trainer/src/groupWeights.ts). */
interface LayerConstants {
  groups: GroupWeights;
}

/**
 * One term's share of dPenalty/dW and dPenalty/db. A `factor` multiplies the tensor itself (W ⊙ factor, broadcast),
 * so that the terms of that form make one product between them; a `plus` is added as it is.
 */
interface TermGradient {
  wFactor?: tf.Tensor;
  wPlus?: tf.Tensor;
  bFactor?: tf.Tensor;
  bPlus?: tf.Tensor;
}

/** A penalty term's math on one layer, at strength `a` (the layer's strength × SEED_SCALE × the schedule's multiplier). */
export interface TermMath {
  /** The group norms its value or gradient reads. */
  reads: readonly Norms[];
  /** The term's value at strength `a`. */
  value(t: Forward, a: number, c: LayerConstants): tf.Scalar;
  /** Its gradient, given `s`, the upstream gradient of its value times `a`. */
  gradient(t: Saved, s: tf.Scalar, c: LayerConstants): TermGradient;
}

/**
 * The trainer's math of each penalty term (the terms, their settings and labels: PENALTY_TERMS in the
 * vocabulary). As in the seed, l1 and l2 cover the biases too; DropNeuron covers the weight tensor only:
 *   l1:          a·(Σ|W| + Σ|b|)               dW = a·sign(W)
 *   l2:          a/2·(ΣW² + Σb²)               dW = W ⊙ a
 *   dropneuron:  a·(Σ‖row‖ + Σ‖column‖)         dW = W ⊙ a·(1/‖row‖ ⊕ 1/‖column‖)
 * DropNeuron's groups may be weighed (`group_scale`, `inputs_weight`): a·(r·Σ‖row‖ + c·Σ‖column‖), dW = W ⊙ a·(r/‖row‖ ⊕ c/‖column‖),
 * with r and c the layer's GroupWeights; evenly weighed (r = c = 1) it is the seed's formula, computed as before.
 * On webgpu the same math runs as fused programs (trainer/src/webgpu/penalt*Program.ts, groupSumsProgram.ts): a change
 * here is made there too, and test/trainer/webgpuKernels.test.ts compares the two.
 */
export const PENALTY_MATH: { readonly [T in PenaltyTerm]: TermMath } = {
  l1: {
    reads: [],
    value: ({ w, b }, a) => tf.mul(tf.add(l1(w), l1(b)), a),
    gradient: ({ w, b }, s) => ({ wPlus: tf.mul(absSlope(w), s), bPlus: tf.mul(absSlope(b), s) }),
  },
  l2: {
    reads: [],
    value: ({ sq, b }, a) => tf.mul(tf.add(tf.sum(sq), tf.sum(tf.square(b))), a * 0.5),
    gradient: (_, s) => ({ wFactor: s, bFactor: s }),
  },
  dropneuron: {
    reads: ['rows', 'cols'],
    value: ({ rows, cols }, a, { groups: g }) =>
      even(g)
        ? tf.mul(tf.sub(tf.add(tf.sum(rows!), tf.sum(cols!)), SQRT_EPSILON * (rows!.size + cols!.size)), a)
        : tf.mul(tf.sub(tf.add(tf.mul(tf.sum(rows!), g.rows), tf.mul(tf.sum(cols!), g.cols)), SQRT_EPSILON * (g.rows * rows!.size + g.cols * cols!.size)), a),
    gradient: ({ rows, cols }, s, { groups: g }) => ({
      wFactor: even(g) ? tf.mul(tf.add(tf.reciprocal(rows!), tf.reciprocal(cols!)), s) : tf.mul(tf.add(tf.div(g.rows, rows!), tf.div(g.cols, cols!)), s),
    }),
  },
};

/** `sum` + `next`, where either may be absent. */
function plus(sum: tf.Tensor | undefined, next: tf.Tensor | undefined): tf.Tensor | undefined {
  return sum && next ? tf.add(sum, next) : (sum ?? next);
}

/** `x` ⊙ the factors' sum, plus the others: one term's gradient on a weight or a bias. */
function combine(x: tf.Tensor, factor: tf.Tensor | undefined, others: tf.Tensor[]): tf.Tensor {
  let d = factor ? tf.mul(x, factor) : tf.zerosLike(x);
  for (const other of others) d = tf.add(d, other);
  return d;
}

/**
 * One layer's penalty terms as a [terms] tensor (PENALTY_TERM_NAMES order), each already multiplied by its
 * weight and the seed's 0.1, with a gradient written out by hand. Automatic differentiation of the same
 * formulas runs about three times as many kernels, most of them over the whole weight tensor; here W² is
 * computed once and feeds l2, the row norms and the column norms, and dPenalty/dW is one expression:
 *   Σ plus-terms + W ⊙ Σ factors   (l1: a1·sign(W); l2 and DropNeuron: W ⊙ (a2 + ad·(1/‖row‖ ⊕ 1/‖column‖)))
 */
const even = (g: GroupWeights): boolean => g.rows === 1 && g.cols === 1;

/**
 * `proximal`: DropNeuron moves the weights by its proximal step after the optimizer's (trainer/src/proximal.ts), not by
 * its gradient: its value is still reported, its gradient left out.
 */
function layerPenaltyOp(weights: PenaltyWeights, groups: GroupWeights = EVEN_GROUPS, proximal = false) {
  const constants: LayerConstants = { groups };
  const active = PENALTY_TERM_NAMES.filter((t) => weights[t] > 0);
  const differentiated = active.filter((t) => !(proximal && t === 'dropneuron'));
  const strength = perPenalty((t) => weights[t] * SEED_SCALE);
  const reads = new Set(active.flatMap((t) => PENALTY_MATH[t].reads));
  const f = (w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const zero = tf.scalar(0);
    const sq = tf.square(w);
    const rows = reads.has('rows') ? tf.sqrt(tf.add(groupSums(sq, 'rows'), EPSILON)) : undefined;
    const cols = reads.has('cols') ? tf.sqrt(tf.add(groupSums(sq, 'cols'), EPSILON)) : undefined;
    const forward: Forward = { w, b, sq, ...(rows ? { rows } : {}), ...(cols ? { cols } : {}) };
    const values = PENALTY_TERM_NAMES.map((t) => (weights[t] > 0 ? PENALTY_MATH[t].value(forward, strength[t], constants) : zero));
    save([w, b, ...(rows ? [rows] : []), ...(cols ? [cols] : [])]);
    return {
      value: tf.stack(values),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sw, sb, ...norms] = saved as [tf.Tensor, tf.Tensor, ...tf.Tensor[]];
        const t: Saved = { w: sw, b: sb };
        if (rows) t.rows = norms.shift()!;
        if (cols) t.cols = norms.shift()!;
        const upstream = tf.unstack(dy) as tf.Scalar[];
        let wFactor: tf.Tensor | undefined;
        let bFactor: tf.Tensor | undefined;
        const wPlus: tf.Tensor[] = [];
        const bPlus: tf.Tensor[] = [];
        for (const term of differentiated) {
          const g = PENALTY_MATH[term].gradient(t, tf.mul(upstream[PENALTY_TERM_NAMES.indexOf(term)]!, strength[term]), constants);
          wFactor = plus(wFactor, g.wFactor);
          bFactor = plus(bFactor, g.bFactor);
          if (g.wPlus) wPlus.push(g.wPlus);
          if (g.bPlus) bPlus.push(g.bPlus);
        }
        return [combine(sw, wFactor, wPlus), combine(sb, bFactor, bPlus)];
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (w: tf.Tensor, b: tf.Tensor) => tf.Tensor1D;
}

/** Whether the fused WebGPU kernels compute these terms: they know the three terms, in this order. */
const FUSABLE = PENALTY_TERM_NAMES.join() === FUSED_PENALTY_TERMS.join();

/**
 * One layer's penalty terms with their gradient: on webgpu the fused kernels (webgpu/penalties.ts: the same math in
 * four dispatches, where layerPenaltyOp's tensor ops take a few dozen; two with `fold`, the gradient then left to the
 * fused optimizer's update), elsewhere layerPenaltyOp.
 */
function layerTerms(w: tf.Tensor, b: tf.Tensor, weights: PenaltyWeights, groups: GroupWeights = EVEN_GROUPS, proximal = false, fold = false): tf.Tensor1D {
  if (FUSABLE && useFused()) {
    const a = perPenalty((t) => (weights[t] > 0 ? weights[t] * SEED_SCALE : 0));
    return fusedLayerPenalties(w, b, { a1: a.l1, a2: a.l2, ad: a.dropneuron, r: groups.rows, c: groups.cols, epsilon: EPSILON, proximal }, fold);
  }
  return layerPenaltyOp(weights, groups, proximal)(w, b);
}

/** A layer's group weights with the input groups' multiplier of the epoch (`dropneuron auto`'s inputs stage) applied. */
export function withInputs(g: GroupWeights, inputs: number): GroupWeights {
  return g.readsInputs && inputs !== 1 ? { ...g, rows: g.rows * inputs } : g;
}

/**
 * Σ over the layers of their penalty terms, as a [terms] tensor (PENALTY_TERM_NAMES order): each layer's spec
 * strengths times the schedule's multipliers (`scale`). Layers whose penalties are all off add nothing. `fold`: the
 * caller differentiates the sum of the terms and steps with a fused WebGPU optimizer, which adds their gradient
 * itself (webgpu/penaltyFold.ts): on webgpu the terms then carry no gradient here.
 */
export function penaltyVector(
  params: readonly LayerParams[],
  scale: PenaltyWeights,
  groups?: readonly GroupWeights[],
  inputs = 1,
  proximal = false,
  fold = false,
): tf.Tensor1D {
  const terms: tf.Tensor1D[] = [];
  params.forEach((p, i) => {
    const weights = perPenalty((t) => p.layer.reg[t] * scale[t]);
    const g = groups?.[i];
    if (hasPenalty(weights)) terms.push(layerTerms(p.w, p.b, weights, g && withInputs(g, inputs), proximal, fold));
  });
  if (!terms.length) return tf.zeros([PENALTY_TERM_NAMES.length]);
  return terms.length === 1 ? terms[0]! : (tf.addN(terms) as tf.Tensor1D);
}

/**
 * The penalty terms of one layer, already multiplied by their weights and the seed's 0.1, as scalars (the
 * same values penaltyVector sums).
 */
export function layerPenalties(w: tf.Tensor, b: tf.Tensor, weights: PenaltyWeights, groups?: GroupWeights): PerPenalty<tf.Scalar> {
  if (!hasPenalty(weights)) return perPenalty(() => tf.scalar(0));
  const values = tf.unstack(layerPenaltyOp(weights, groups)(w, b)) as tf.Scalar[];
  return perPenalty((t) => values[PENALTY_TERM_NAMES.indexOf(t)]!);
}
