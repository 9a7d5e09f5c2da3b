import * as tf from '@tensorflow/tfjs-core';
import type { CheckedModel } from '../../language/index.ts';

/** The spec's optimizer at its learning rate (the schedule changes the rate per epoch: schedule.ts). */
export function makeOptimizer(model: CheckedModel): tf.Optimizer {
  const lr = model.train.learningRate;
  switch (model.train.optimizer) {
    case 'adam':
      return tf.train.adam(lr, 0.9, 0.999, 1e-8);
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9);
  }
}
