import * as tf from '@tensorflow/tfjs-core';
import type { Task } from '../../language/index.ts';
import type { Metric } from '../../protocol/events.ts';

export function metricOf(task: Task): Metric {
  return task === 'classify' ? 'accuracy' : task === 'regress' ? 'nmse' : 'mse';
}

/** Rows [from, to) of a row-major array as a tensor of shape [to - from, ...shape]. */
export function rows(data: Float32Array, shape: number[], from: number, to: number): tf.Tensor {
  const per = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(data.subarray(from * per, to * per), [to - from, ...shape]);
}

/**
 * The task's metric over a data set, in batches, with `predict` in inference mode (no dropout):
 * accuracy for classify; NMSE = Σ(ŷ − y)² / Σy² for regress (the seed's definition); plain MSE for
 * autoencode (the seed prints it as "NMSE" but computes the mean squared error).
 */
export function evaluate(
  predict: (x: tf.Tensor) => tf.Tensor,
  task: Task,
  x: Float32Array,
  y: Float32Array,
  inputShape: number[],
  count: number,
  batch = 1000,
): number {
  let correct = 0;
  let squared = 0;
  let reference = 0;
  let values = 0;
  for (let from = 0; from < count; from += batch) {
    const to = Math.min(count, from + batch);
    tf.tidy(() => {
      const xb = rows(x, inputShape, from, to);
      const out = predict(xb);
      if (task === 'classify') {
        const predicted = tf.argMax(out, 1).dataSync();
        for (let i = 0; i < predicted.length; i++) if (predicted[i] === y[from + i]) correct++;
      } else {
        const target = task === 'autoencode' ? tf.reshape(xb, out.shape) : tf.reshape(tf.tensor(y.subarray(from, to)), out.shape);
        squared += tf.sum(tf.square(tf.sub(out, target))).dataSync()[0]!;
        reference += tf.sum(tf.square(target)).dataSync()[0]!;
        values += out.size;
      }
    });
  }
  if (task === 'classify') return count ? correct / count : 0;
  if (task === 'regress') return reference ? squared / reference : 0;
  return values ? squared / values : 0;
}
