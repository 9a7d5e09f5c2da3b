import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, CheckedModel } from '../../language/index.ts';
import type { Dataset } from './data/dataset.ts';
import { evaluate, metricFromSums } from './evaluate.ts';
import { forwardPass } from './network.ts';
import { OrtEvaluation } from './ort/evaluation.ts';
import { ortRefusal } from './ort/support.ts';
import type { LayerOps } from './ops.ts';
import type { StepPool } from './parallel/pool.ts';
import type { LayerWeights } from './layerWeights.ts';

/**
 * The task's metric of host weights (as read from the network, or pruned) on the data set. Each call runs
 * the model's forward pass over tensors made from those weights, so the live network, which the loop
 * keeps training, is never written to: no swapping weights in and out around an evaluation. With a pool
 * (trainer/src/parallel/), its workers take shares of the rows. On the `ort` backend (whose tensors are wasm's:
 * tf.getBackend() does not tell) the forward pass is an onnxruntime graph instead (ort/evaluation.ts), its session
 * kept for every later evaluation.
 */
export class Evaluator {
  constructor(
    private readonly model: CheckedModel,
    private readonly ops: LayerOps,
    private readonly data: Dataset,
    private readonly on: { backend?: BackendName; pool?: StepPool | undefined } = {},
  ) {}

  /** On the first `count` training samples. */
  train(weights: readonly LayerWeights[], count: number): Promise<number> {
    return this.metric(weights, this.data.trainX, this.data.trainY, count);
  }

  /** On the whole test set. */
  test(weights: readonly LayerWeights[]): Promise<number> {
    return this.metric(weights, this.data.testX, this.data.testY, this.data.testCount);
  }

  /** On the validation rows (undefined when the run holds none out). */
  async validation(weights: readonly LayerWeights[]): Promise<number | undefined> {
    const v = this.data.validation;
    return v ? this.metric(weights, v.x, v.y, v.count) : undefined;
  }

  private async metric(weights: readonly LayerWeights[], x: Float32Array, y: Float32Array, count: number): Promise<number> {
    const pool = this.on.pool;
    if (!pool && this.on.backend === 'ort' && !ortRefusal(this.model)) {
      const evaluation = await OrtEvaluation.for(this.model);
      return metricFromSums(this.model.task, await evaluation.sums(this.model.task, weights, x, y, count), count);
    }
    const params = weights.map(({ layer, w, b }) => ({ layer, w: tf.tensor(w, layer.weightShape!), b: tf.tensor(b, [b.length]) }));
    const predict = (t: tf.Tensor): tf.Tensor => forwardPass(this.model, params, this.ops, t);
    try {
      if (!pool) return await evaluate(predict, this.model.task, x, y, this.data.inputShape, count);
      const sums = await pool.evaluate(weights, predict, this.model, x, y, this.data.inputShape, count);
      return metricFromSums(this.model.task, sums, count);
    } finally {
      tf.dispose(params.flatMap((p) => [p.w, p.b]));
    }
  }
}
