import * as tf from '@tensorflow/tfjs-core';
import { hostMemory, valuesOf } from './hostMemory.ts';

/**
 * Σ over every axis but the last. On the host-memory backends one pass over the values on the host: wasm's Sum over
 * leading axes transposes the whole tensor first (measured on LeNet-5: 5.3 ms for a conv layer's bias gradient,
 * 5.7 ms for a 3136×512 weight's column norms), and a [1, rows] · [rows, last] product is slower still (XNNPACK
 * packs the large operand as weights on every call: 9–10 ms). Not differentiable: it serves hand-written
 * gradients and the forward values of ops that write their own.
 */
export function sumLeading(t: tf.Tensor): tf.Tensor1D {
  const last = t.shape[t.rank - 1]!;
  if (!hostMemory()) return tf.sum(t, [...Array(t.rank - 1).keys()]) as tf.Tensor1D;
  const values = valuesOf(t);
  const sums = new Float64Array(last);
  for (let at = 0; at < values.length; at += last) {
    for (let c = 0; c < last; c++) sums[c]! += values[at + c]!;
  }
  return tf.tensor1d(Float32Array.from(sums));
}
