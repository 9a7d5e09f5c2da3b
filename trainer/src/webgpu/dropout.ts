import * as tf from '@tensorflow/tfjs-core';
import { DropoutProgram } from './dropoutProgram.ts';
import { f32, runProgram, u32 } from './program.ts';

/**
 * dropout.ts' `dropout(t, keep, seed, rows)` on webgpu in one dispatch each way, its mask hashed in the shader
 * (DropoutProgram) instead of on the host and uploaded: the same kept values, scaled the same.
 */
export function fusedDropout(t: tf.Tensor, keep: number, seed: number, rows?: { offset: number; total: number }): tf.Tensor {
  const n = t.shape[0]!;
  const first = (rows?.offset ?? 0) * (t.size / n);
  const threshold = Math.ceil(keep * 2 ** 32);
  const every = threshold >= 2 ** 32 ? 1 : 0;
  const uniforms = [u32(seed >>> 0), u32(first >>> 0), u32(every ? 0 : threshold), u32(every), f32(1 / keep)];
  const op = tf.customGrad(((x: tf.Tensor) => ({
    value: runProgram(new DropoutProgram(x.shape), [x], uniforms),
    gradFunc: (dy: tf.Tensor) => runProgram(new DropoutProgram(dy.shape), [dy], uniforms),
  })) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;
  return op(t);
}
