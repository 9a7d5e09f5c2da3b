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
 *
 * Each batch's sums stay on the device and all are read back at once, asynchronously: a GPU backend cannot read
 * synchronously (webgpu throws), and one read per evaluation keeps it busy. The batch sums are then added on the
 * host in float64, batch by batch, as before.
 */
export async function evaluate(
  predict: (x: tf.Tensor) => tf.Tensor,
  task: Task,
  x: Float32Array,
  y: Float32Array,
  inputShape: number[],
  count: number,
  batch = 1000,
): Promise<number> {
  const parts: tf.Tensor1D[] = [];
  let values = 0;
  for (let from = 0; from < count; from += batch) {
    const to = Math.min(count, from + batch);
    parts.push(
      tf.tidy(() => {
        const xb = rows(x, inputShape, from, to);
        const out = predict(xb);
        if (task === 'classify') {
          const labels = tf.cast(tf.tensor1d(y.subarray(from, to)), 'int32');
          return tf.reshape(tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), labels), 'float32')), [1]) as tf.Tensor1D;
        }
        const target = task === 'autoencode' ? tf.reshape(xb, out.shape) : tf.reshape(tf.tensor(y.subarray(from, to)), out.shape);
        values += out.size;
        return tf.stack([tf.sum(tf.square(tf.sub(out, target))), tf.sum(tf.square(target))]) as tf.Tensor1D;
      }),
    );
  }
  if (!parts.length) return 0;
  const all = tf.concat(parts);
  const sums = await all.data();
  tf.dispose([all, ...parts]);
  if (task === 'classify') {
    let correct = 0;
    for (const c of sums) correct += c;
    return correct / count;
  }
  let squared = 0;
  let reference = 0;
  for (let i = 0; i < sums.length; i += 2) {
    squared += sums[i]!;
    reference += sums[i + 1]!;
  }
  if (task === 'regress') return reference ? squared / reference : 0;
  return values ? squared / values : 0;
}
