import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether the step takes the fused WebGPU kernels of this folder (Adam and SGD, each layer's penalties, softmax
 * cross-entropy): on the webgpu backend, unless switched off (the bench counts the dispatches of both; the tests
 * compare both with cpu). Each kernel computes what the tensor ops it replaces compute: the cpu reference.
 */
export const FUSED = { enabled: true };

export function useFused(): boolean {
  return FUSED.enabled && tf.getBackend() === 'webgpu';
}
