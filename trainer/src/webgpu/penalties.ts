import * as tf from '@tensorflow/tfjs-core';
import { GroupSumsProgram } from './groupSumsProgram.ts';
import { PenaltyGradBProgram } from './penaltyGradBProgram.ts';
import { PenaltyGradWProgram } from './penaltyGradWProgram.ts';
import { foldPenaltyGradient, type FusedPenaltyParams } from './penaltyFold.ts';
import { PenaltyValuesProgram } from './penaltyValuesProgram.ts';
import { f32, i32, runProgram } from './program.ts';

export type { FusedPenaltyParams };

/** The terms the fused kernels compute, in the order of their values: penalties.ts takes them only while PENALTY_TERM_NAMES is this. */
export const FUSED_PENALTY_TERMS = ['l1', 'l2', 'dropneuron'] as const;

/**
 * One layer's penalty terms ([l1, l2, dropneuron]) with their gradient, in four dispatches: forward, the group
 * sums (GroupSumsProgram) and the values (PenaltyValuesProgram); backward, dW and db (PenaltyGradWProgram,
 * PenaltyGradBProgram). The same math as penalties.ts' PENALTY_MATH, which the tests hold it to.
 *
 * `fold`: the step differentiates the sum of its loss parts and steps with a fused optimizer, so the gradient is
 * left to the optimizer's own program (penaltyFold.ts): the values are computed off the tape, in two dispatches,
 * and nothing is added to the data gradient. Only for variables (the optimizer finds them by name).
 */
export function fusedLayerPenalties(w: tf.Tensor, b: tf.Tensor, p: FusedPenaltyParams, fold = false): tf.Tensor1D {
  const cols = w.shape[w.rank - 1]!;
  const rows = w.shape[w.rank - 2]!;
  const outer = w.size / (rows * cols);
  const values = (wIn: tf.Tensor, bIn: tf.Tensor): { norms: tf.Tensor; value: tf.Tensor1D } => {
    const norms = runProgram(new GroupSumsProgram(rows, cols), [wIn], [i32(outer), i32(rows), i32(cols)]);
    const offset = Math.sqrt(p.epsilon) * (p.r * rows + p.c * cols);
    const value = runProgram(
      new PenaltyValuesProgram(),
      [norms, bIn],
      [f32(p.a1), f32(p.a2 * 0.5), f32(p.ad), f32(p.r), f32(p.c), f32(p.epsilon), f32(offset), i32(rows), i32(cols)],
    ) as tf.Tensor1D;
    return { norms, value };
  };
  if (fold && w instanceof tf.Variable && b instanceof tf.Variable) {
    const { norms, value } = values(w, b);
    foldPenaltyGradient(w, b, norms, p, rows, cols); // keeps the norms until the optimizer's step
    return value;
  }
  const op = tf.customGrad(((wIn: tf.Tensor, bIn: tf.Tensor, save: tf.GradSaveFunc) => {
    const { norms, value } = values(wIn, bIn);
    save([wIn, bIn, norms]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sw, sb, sn] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const ad = p.proximal ? 0 : p.ad;
        const dw = runProgram(
          new PenaltyGradWProgram(sw.shape),
          [sw, sn, dy],
          [f32(p.a1), f32(p.a2), f32(ad), f32(p.r), f32(p.c), f32(p.epsilon), i32(rows), i32(cols)],
        );
        const db = runProgram(new PenaltyGradBProgram(cols), [sb, dy], [f32(p.a1), f32(p.a2)]);
        return [dw, db];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (w: tf.Tensor, b: tf.Tensor) => tf.Tensor1D;
  return op(w, b);
}
