import * as tf from '@tensorflow/tfjs-core';
import type { CheckedModel } from '../../language/index.ts';
import type { Dataset } from './data/dataset.ts';
import { evaluate } from './evaluate.ts';
import { forwardPass } from './network.ts';
import type { LayerOps } from './ops.ts';
import type { HostLayer } from './stats.ts';

/**
 * The task's metric of host weights (as read from the network, or pruned) on the data set. Each call runs
 * the model's forward pass over tensors made from those weights, so the live network, which the loop
 * keeps training, is never written to: no swapping weights in and out around an evaluation.
 */
export class Evaluator {
  constructor(
    private readonly model: CheckedModel,
    private readonly ops: LayerOps,
    private readonly data: Dataset,
  ) {}

  /** On the first `count` training samples. */
  train(weights: readonly HostLayer[], count: number): Promise<number> {
    return this.metric(weights, this.data.trainX, this.data.trainY, count);
  }

  /** On the whole test set. */
  test(weights: readonly HostLayer[]): Promise<number> {
    return this.metric(weights, this.data.testX, this.data.testY, this.data.testCount);
  }

  private async metric(weights: readonly HostLayer[], x: Float32Array, y: Float32Array, count: number): Promise<number> {
    const params = weights.map(({ layer, w, b }) => ({ layer, w: tf.tensor(w, layer.weightShape!), b: tf.tensor(b, [b.length]) }));
    try {
      return await evaluate((t) => forwardPass(this.model, params, this.ops, t), this.model.task, x, y, this.data.inputShape, count);
    } finally {
      tf.dispose(params.flatMap((p) => [p.w, p.b]));
    }
  }
}
