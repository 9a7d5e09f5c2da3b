import * as tf from '@tensorflow/tfjs-core';
import type { CheckedModel } from '../../language/index.ts';
import { HostAdam } from './hostAdam.ts';

/** Backends whose tensors live in this process's memory, where one host loop beats a kernel per term. */
const HOST_MEMORY_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * The spec's optimizer at its learning rate (the schedule changes the rate per epoch: schedule.ts). Adam on a
 * host-memory backend is HostAdam, the same update in one pass; on a GPU tfjs' own keeps the state on the device.
 */
export function makeOptimizer(model: CheckedModel, backend: string = tf.getBackend()): tf.Optimizer {
  const lr = model.train.learningRate;
  switch (model.train.optimizer) {
    case 'adam':
      return HOST_MEMORY_BACKENDS.has(backend) ? new HostAdam(lr, 0.9, 0.999, 1e-8) : tf.train.adam(lr, 0.9, 0.999, 1e-8);
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9);
  }
}
