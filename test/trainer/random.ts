import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../trainer/src/rng.ts';

/** `size` values drawn from N(0, scale²) by the trainer's seeded generator: the same values for the same seed. */
export function randomValues(size: number, seed: number | Rng, scale = 1): Float32Array {
  const rng = typeof seed === 'number' ? new Rng(seed) : seed;
  return Float32Array.from({ length: size }, () => scale * rng.normal());
}

/** A tensor of `shape` with randomValues. */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    randomValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}
