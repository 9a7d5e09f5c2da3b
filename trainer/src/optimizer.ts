import * as tf from '@tensorflow/tfjs-core';
import type { CheckedModel } from '../../language/index.ts';
import { HostAdam } from './hostAdam.ts';
import { hostMemory } from './hostMemory.ts';
import { useFused } from './webgpu/fused.ts';
import { FusedAdam, FusedSgd } from './webgpu/optimizers.ts';

/**
 * The spec's optimizer at its learning rate (the schedule changes the rate per epoch: schedule.ts), for the backend
 * in use. Adam on a host-memory backend (wasm, cpu) is HostAdam, the same update in one pass; on a GPU tfjs' own
 * keeps the state on the device, and on webgpu Adam and SGD are fused programs (webgpu/optimizers.ts): two dispatches
 * per variable and step, and one, where tfjs' take fourteen and two.
 */
export function makeOptimizer(model: CheckedModel): tf.Optimizer {
  const lr = model.train.learningRate;
  switch (model.train.optimizer) {
    case 'adam':
      if (hostMemory()) return new HostAdam(lr, 0.9, 0.999, 1e-8);
      return useFused() ? new FusedAdam(lr, 0.9, 0.999, 1e-8) : tf.train.adam(lr, 0.9, 0.999, 1e-8);
    case 'sgd':
      return useFused() ? new FusedSgd(lr) : tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9);
  }
}
