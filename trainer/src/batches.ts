import * as tf from '@tensorflow/tfjs-core';
import type { CheckedModel } from '../../language/index.ts';
import { inputSize, type Dataset } from './data/dataset.ts';

/** Width of the one-hot target rows for classify (the logits' units); undefined for the other tasks. */
export function oneHotClasses(model: CheckedModel): number | undefined {
  if (model.task !== 'classify') return undefined;
  const shape = model.layers[model.layers.length - 1]?.outputShape ?? [];
  return shape.reduce((a, b) => a * b, 1);
}

/** Host buffers that hold one batch: inputs row by row, targets (one-hot rows for classify) row by row. */
export interface BatchBuffers {
  x: Float32Array;
  y: Float32Array;
}

/**
 * The training set cut into batches of a shuffled order, gathered into two host buffers reused for every
 * batch (shared with the workers when a step is split: trainer/src/parallel/). For classify, the targets are
 * written as one-hot rows here, on the host, so that no step converts labels.
 */
export class Batches {
  /** Samples per batch (the last one may be smaller). */
  readonly size: number;
  readonly count: number;
  /** Values per input row and per target row. */
  readonly per: number;
  readonly targetWidth: number;
  readonly buffers: BatchBuffers;

  /** `classes`: write class labels as one-hot rows of this width. `buffers`: where to gather (default: new ones). */
  constructor(
    private readonly data: Dataset,
    batch: number,
    private readonly classes?: number,
    buffers?: BatchBuffers,
  ) {
    this.size = Math.min(batch, data.trainCount);
    this.count = Math.ceil(data.trainCount / this.size);
    this.per = inputSize(data);
    this.targetWidth = classes ?? data.targetSize;
    this.buffers = buffers ?? Batches.buffers(data, batch, classes);
  }

  /** Buffers big enough for batches of `batch` rows of this data set, in `memory` (for example a SharedArrayBuffer). */
  static buffers(data: Dataset, batch: number, classes?: number, memory?: (bytes: number) => ArrayBufferLike): BatchBuffers {
    const rows = Math.min(batch, data.trainCount);
    const xLength = rows * inputSize(data);
    const yLength = rows * (classes ?? data.targetSize);
    if (!memory) return { x: new Float32Array(xLength), y: new Float32Array(yLength) };
    return { x: new Float32Array(memory(xLength * 4)), y: new Float32Array(memory(yLength * 4)) };
  }

  /** Gathers batch `b` (0-based) of the rows in `order` into the buffers; returns its row count. */
  fill(order: Int32Array, b: number): number {
    const { data, per, targetWidth, classes } = this;
    const { x, y } = this.buffers;
    const from = b * this.size;
    const n = Math.min(this.size, data.trainCount - from);
    const targets = data.targetSize;
    if (classes) y.fill(0, 0, n * classes);
    for (let i = 0; i < n; i++) {
      const row = order[from + i]!;
      x.set(data.trainX.subarray(row * per, (row + 1) * per), i * per);
      if (classes) y[i * targetWidth + data.trainY[row]!] = 1;
      else y.set(data.trainY.subarray(row * targets, (row + 1) * targets), i * targets);
    }
    return n;
  }

  /** Rows [from, from + n) of the gathered batch as tensors: x [n, ...input], y [n, targetWidth]. */
  tensors(from: number, n: number): { x: tf.Tensor; y: tf.Tensor } {
    return Batches.tensorsOf(this.buffers, this.data.inputShape, this.per, this.targetWidth, from, n);
  }

  static tensorsOf(buffers: BatchBuffers, inputShape: number[], per: number, targetWidth: number, from: number, n: number): { x: tf.Tensor; y: tf.Tensor } {
    return {
      x: tf.tensor(buffers.x.subarray(from * per, (from + n) * per), [n, ...inputShape]),
      y: tf.tensor(buffers.y.subarray(from * targetWidth, (from + n) * targetWidth), [n, targetWidth]),
    };
  }

  /**
   * Batch `b` (0-based) of the rows in `order`: x [n, ...input] and y [n, targetWidth]. The caller disposes
   * both before asking for the next batch, which overwrites the buffers they may share on some backends.
   */
  take(order: Int32Array, b: number): { x: tf.Tensor; y: tf.Tensor } {
    const n = this.fill(order, b);
    return this.tensors(0, n);
  }
}
