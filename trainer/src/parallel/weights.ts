import * as tf from '@tensorflow/tfjs-core';
import { valuesOf } from '../hostMemory.ts';
import type { Network } from '../network.ts';

/** How many values the network's variables hold in all (the length of a flat copy: writeWeights). */
export function paramCount(network: Network): number {
  return network.variables.reduce((n, v) => n + v.size, 0);
}

/** Copies the tensors' values into `into`, one after the other. Synchronous: the pool runs on wasm. */
export function writeTensors(tensors: readonly tf.Tensor[], into: Float32Array): void {
  let at = 0;
  for (const t of tensors) {
    into.set(valuesOf(t), at);
    at += t.size;
  }
}

/** `into` += `from`, element by element. */
export function addInto(into: Float32Array, from: Float32Array): void {
  for (let j = 0; j < into.length; j++) into[j]! += from[j]!;
}

/** Copies the network's variables into `into` (network.variables order). */
export function writeWeights(network: Network, into: Float32Array): void {
  writeTensors(network.variables, into);
}

/** Assigns the values in `from` (network.variables order) to the network's variables. */
export function readWeights(network: Network, from: Float32Array): void {
  tf.tidy(() => {
    let at = 0;
    for (const v of network.variables) {
      v.assign(tf.tensor(from.subarray(at, at + v.size), v.shape));
      at += v.size;
    }
  });
}
