import * as tf from '@tensorflow/tfjs-core';
import { fusedDropout } from './webgpu/dropout.ts';
import { useFused } from './webgpu/fused.ts';

/** Wellons' lowbias32: a 32-bit integer hash with good avalanche, a few ns in JS. */
function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

let scratch = new Float32Array(0);

/**
 * A zeroed buffer for a mask. On wasm, tf.tensor copies the values into the backend's heap at once, so one buffer
 * serves every layer and step: a fresh array per layer per step costs page faults in these VMs. The cpu and
 * webgpu backends keep (or upload later from) the array they are given: a fresh one each time there.
 */
function maskBuffer(size: number): Float32Array {
  if (tf.getBackend() !== 'wasm') return new Float32Array(size);
  if (scratch.length < size) scratch = new Float32Array(size);
  const mask = scratch.subarray(0, size);
  mask.fill(0);
  return mask;
}

/**
 * Inverted dropout of rows [offset, offset + n) of a batch of `total` rows: each value is kept with
 * probability `keep` and scaled by 1/keep. Whether value i of the batch is kept is a hash of (seed, i), so a
 * worker that steps a share of the batch (trainer/src/parallel/) drops exactly what a lone worker would, and
 * makes only its own rows. tf.dropout draws from seedrandom in JS, three times as slow per value, and leaves
 * three more kernels (add, floor, divide) per layer on the step.
 */
export function dropout(t: tf.Tensor, keep: number, seed: number, rows?: { offset: number; total: number }): tf.Tensor {
  // webgpu: the same mask hashed in the shader, nothing written here or uploaded (trainer/src/webgpu/dropout.ts).
  if (useFused()) return fusedDropout(t, keep, seed, rows);
  const n = t.shape[0]!;
  const width = t.size / n;
  const mask = maskBuffer(t.size);
  const threshold = keep * 2 ** 32;
  const scale = 1 / keep;
  const salt = hash32(seed);
  const first = (rows?.offset ?? 0) * width;
  for (let i = 0; i < mask.length; i++) if (hash32((first + i) ^ salt) < threshold) mask[i] = scale;
  return tf.mul(t, tf.tensor(mask, t.shape));
}

/** The next seed of a forward pass's dropout chain: one per dropout site, in order (network.ts forwardPass, the ort step). */
export function nextDropoutSeed(seed: number): number {
  return (seed * 1103515245 + 12345) % 2147483647;
}
