import * as tf from '@tensorflow/tfjs-core';
import { inputSize, type Dataset } from './data/dataset.ts';

/** The training set cut into batches of a shuffled order, copied through two host buffers reused for every batch. */
export class Batches {
  /** Samples per batch (the last one may be smaller). */
  readonly size: number;
  readonly count: number;
  private readonly per: number;
  private readonly xBuffer: Float32Array;
  private readonly yBuffer: Float32Array;

  constructor(
    private readonly data: Dataset,
    batch: number,
  ) {
    this.size = Math.min(batch, data.trainCount);
    this.count = Math.ceil(data.trainCount / this.size);
    this.per = inputSize(data);
    this.xBuffer = new Float32Array(this.size * this.per);
    this.yBuffer = new Float32Array(this.size * data.targetSize);
  }

  /**
   * Batch `b` (0-based) of the rows in `order`: x [n, ...input] and y [n, targetSize]. The caller disposes
   * both before asking for the next batch, which overwrites the buffers they may share on some backends.
   */
  take(order: Int32Array, b: number): { x: tf.Tensor; y: tf.Tensor } {
    const { data, per, xBuffer, yBuffer } = this;
    const from = b * this.size;
    const n = Math.min(this.size, data.trainCount - from);
    const targets = data.targetSize;
    for (let i = 0; i < n; i++) {
      const row = order[from + i]!;
      xBuffer.set(data.trainX.subarray(row * per, (row + 1) * per), i * per);
      yBuffer.set(data.trainY.subarray(row * targets, (row + 1) * targets), i * targets);
    }
    return { x: tf.tensor(xBuffer.subarray(0, n * per), [n, ...data.inputShape]), y: tf.tensor(yBuffer.subarray(0, n * targets), [n, targets]) };
  }
}
