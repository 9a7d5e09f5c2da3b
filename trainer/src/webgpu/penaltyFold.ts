import * as tf from '@tensorflow/tfjs-core';
import { BIAS_PENALTY_GRADIENT, BIAS_PENALTY_UNIFORMS, PENALTY_GRADIENT, WEIGHT_PENALTY_UNIFORMS } from './penaltyGradient.ts';
import { f32, i32, type UniformValue } from './program.ts';

/** One layer's penalties as the fused kernels take them. */
export interface FusedPenaltyParams {
  /** Each term's strength a_t (the layer's λ × the seed's 0.1 × the schedule's multiplier); 0 for a term that is off. */
  a1: number;
  a2: number;
  ad: number;
  /** DropNeuron's group weights: rows (input groups) and columns (output groups). */
  r: number;
  c: number;
  /** The norms' ε: √(Σw² + ε). */
  epsilon: number;
  /** DropNeuron moves the weights by its proximal step (proximal.ts), not its gradient: its value only. */
  proximal: boolean;
}

/**
 * A variable's penalty gradient left to the optimizer's update: the step's loss took the penalties' values only
 * (no gradient on the tape), and the fused optimizer adds their gradient to the data gradient inside its own
 * program — the penalty gradient's two dispatches per layer and the engine's two additions are gone. The upstream
 * gradient of every term is 1 there (the step differentiates the sum of its loss parts).
 */
export type Fold = { kind: 'weight'; norms: tf.Tensor; p: FusedPenaltyParams; rows: number; cols: number } | { kind: 'bias'; p: FusedPenaltyParams };

/** By variable name, the folds the next optimizer step takes. */
const pending = new Map<string, Fold>();

/** Leaves the penalty gradient of a layer's W and b to the next fused optimizer step (`norms`: GroupSumsProgram's, kept here). */
export function foldPenaltyGradient(w: tf.Variable, b: tf.Variable, norms: tf.Tensor, p: FusedPenaltyParams, rows: number, cols: number): void {
  dropFold(w.name);
  dropFold(b.name);
  pending.set(w.name, { kind: 'weight', norms: tf.keep(norms), p, rows, cols });
  pending.set(b.name, { kind: 'bias', p });
}

/** The fold of the variable named `name`, taken (the caller disposes it with disposeFold). */
export function takeFold(name: string): Fold | undefined {
  const fold = pending.get(name);
  pending.delete(name);
  return fold;
}

function dropFold(name: string): void {
  const fold = takeFold(name);
  if (fold) disposeFold(fold);
}

export function disposeFold(fold: Fold): void {
  if (fold.kind === 'weight') fold.norms.dispose();
}

/** Whether a step's penalties are folded into the optimizer: only where the optimizer takes folds (FusedAdam, FusedSgd). */
export interface FoldingOptimizer {
  readonly foldsPenalties: true;
}

/**
 * What a program that reads a gradient G adds for a fold: its key, the inputs after the program's own and their
 * names, the uniforms and their values, the WGSL helpers, and the expression of the whole gradient at an index
 * (G plus the penalty gradient, every upstream 1: s_t = a_t). `own`: whether the program reads the variable's values
 * already, as W.
 */
export interface FoldedGradient {
  key: string;
  names: string[];
  inputs: tf.Tensor[];
  uniforms: string;
  values: UniformValue[];
  code: string;
  gradient: (index: string) => string;
}

export function foldedGradient(fold: Fold | undefined, variable: tf.Tensor, own: boolean): FoldedGradient {
  if (!fold) return { key: 'plain', names: [], inputs: [], uniforms: '', values: [], code: '', gradient: (j) => `G[${j}]` };
  const { p } = fold;
  if (fold.kind === 'bias')
    return {
      key: own ? 'bias_own' : 'bias',
      names: own ? [] : ['B'],
      inputs: own ? [] : [variable],
      uniforms: BIAS_PENALTY_UNIFORMS,
      values: [f32(p.a1), f32(p.a2)],
      code: BIAS_PENALTY_GRADIENT,
      gradient: (j) => `(G[${j}] + biasPenaltyGradient(${own ? 'W' : 'B'}[${j}], uniforms.a1, uniforms.a2))`,
    };
  const ad = p.proximal ? 0 : p.ad;
  return {
    key: own ? 'weight_own' : 'weight',
    names: own ? ['N'] : ['W', 'N'],
    inputs: own ? [fold.norms] : [variable, fold.norms],
    uniforms: WEIGHT_PENALTY_UNIFORMS,
    values: [f32(p.a1), f32(p.a2), f32(ad), f32(p.r), f32(p.c), f32(p.epsilon), i32(fold.rows), i32(fold.cols)],
    code: PENALTY_GRADIENT,
    gradient: (j) => `(G[${j}] + weightPenaltyGradient(${j}, W[${j}], uniforms.a1, uniforms.a2, uniforms.ad))`,
  };
}
