import * as tf from '@tensorflow/tfjs-core';
import { CrossEntropyGradProgram } from './crossEntropyGradProgram.ts';
import { CrossEntropyProgram } from './crossEntropyProgram.ts';
import { f32, i32, runProgram } from './program.ts';

/**
 * Softmax cross-entropy of `logits` [n, k] against one-hot `labels`, summed over the rows and divided by
 * `divisor`, with its gradient: one dispatch forward (CrossEntropyProgram), one backward
 * (CrossEntropyGradProgram), where tfjs' logSoftmax and the products take about fifteen. The labels are no input
 * of the op (no gradient is asked of them, and none is computed).
 */
export function fusedCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, divisor: number): tf.Scalar {
  const [n, k] = logits.shape as [number, number];
  const op = tf.customGrad(((z: tf.Tensor, save: tf.GradSaveFunc) => {
    const value = runProgram(new CrossEntropyProgram(), [z, labels], [f32(-1 / divisor), i32(n), i32(k)]);
    save([z, labels]);
    return {
      value: tf.reshape(value, []),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sz, sy] = saved as [tf.Tensor, tf.Tensor];
        return runProgram(new CrossEntropyGradProgram(sz.shape), [sz, sy, dy], [f32(divisor), i32(k)]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (z: tf.Tensor) => tf.Scalar;
  return op(logits);
}
