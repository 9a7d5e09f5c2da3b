import * as tf from '@tensorflow/tfjs-core';
import { FusedAdam } from './optimizers.ts';
import { f32, i32, runProgram } from './program.ts';
import { ShrinkApplyProgram } from './shrinkApplyProgram.ts';
import { ShrinkColsProgram } from './shrinkColsProgram.ts';
import { ShrinkRowsProgram } from './shrinkRowsProgram.ts';

/**
 * proximal.ts' `shrink(shrink(w, d, 'rows', tauRows), d, 'cols', tauCols)` for the variable at `index` of the
 * optimizer's variables, in three dispatches (shrinkRowsProgram.ts, shrinkColsProgram.ts, shrinkApplyProgram.ts) where the tensor ops take about twenty-five: d is
 * FusedAdam's scale of its last step, read from its moments in the shader, or 1 for any other optimizer (as
 * proximal.ts takes it for one without a preconditioner). The new weights, as a new tensor.
 */
export function fusedShrink(w: tf.Tensor, optimizer: tf.Optimizer, index: number, tauRows: number, tauCols: number): tf.Tensor {
  const cols = w.shape[w.rank - 1]!;
  const rows = w.shape[w.rank - 2]!;
  const moments = optimizer instanceof FusedAdam && optimizer.iterations > 0 ? optimizer.momentsOf(index) : undefined;
  const correction = optimizer instanceof FusedAdam ? 1 - optimizer.beta2 ** optimizer.iterations : 1;
  const epsilon = optimizer instanceof FusedAdam ? optimizer.epsilon : 0;
  const uniforms = (tau: number) => [i32(w.size / (rows * cols)), i32(rows), i32(cols), i32(w.size), f32(tau), f32(correction), f32(epsilon)];
  const adam = moments !== undefined;
  const s: tf.Tensor[] = moments ? [moments] : [];
  return tf.tidy(() => {
    const f = runProgram(new ShrinkRowsProgram(rows, adam), [w, ...s], uniforms(tauRows));
    const g = runProgram(new ShrinkColsProgram(cols, adam), [w, f, ...s], uniforms(tauCols));
    return runProgram(new ShrinkApplyProgram(w.shape), [w, f, g], [i32(rows), i32(cols)]);
  });
}
