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
 * A metric's sums over some rows, added on the host in float64 batch by batch: [correct] for classify,
 * [Σ(ŷ − y)², Σy²] otherwise; `values`: how many output values the squared errors cover.
 */
export interface MetricSums {
  sums: number[];
  values: number;
}

/**
 * The metric's sums over rows [from, to) of a data set, in batches of `batch` rows, with `predict` in
 * inference mode (no dropout). Each batch's sums stay on the device and all are read back at once,
 * asynchronously: a GPU backend cannot read synchronously (webgpu throws), and one read per evaluation keeps
 * it busy. Workers (trainer/src/parallel/) each sum a range of whole batches; adding their sums in order
 * gives what one thread gets.
 */
export async function evaluateSums(
  predict: (x: tf.Tensor) => tf.Tensor,
  task: Task,
  x: Float32Array,
  y: Float32Array,
  inputShape: number[],
  from: number,
  to: number,
  batch = EVALUATION_BATCH,
): Promise<MetricSums> {
  const parts: tf.Tensor1D[] = [];
  let values = 0;
  for (let start = from; start < to; start += batch) {
    const end = Math.min(to, start + batch);
    parts.push(
      tf.tidy(() => {
        const xb = rows(x, inputShape, start, end);
        const out = predict(xb);
        if (task === 'classify') {
          const labels = tf.cast(tf.tensor1d(y.subarray(start, end)), 'int32');
          return tf.reshape(tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), labels), 'float32')), [1]) as tf.Tensor1D;
        }
        const target = task === 'autoencode' ? tf.reshape(xb, out.shape) : tf.reshape(tf.tensor(y.subarray(start, end)), out.shape);
        values += out.size;
        return tf.stack([tf.sum(tf.square(tf.sub(out, target))), tf.sum(tf.square(target))]) as tf.Tensor1D;
      }),
    );
  }
  const width = task === 'classify' ? 1 : 2;
  const sums = new Array<number>(width).fill(0);
  if (!parts.length) return { sums, values };
  const all = tf.concat(parts);
  const read = await all.data();
  tf.dispose([all, ...parts]);
  for (let i = 0; i < read.length; i++) sums[i % width]! += read[i]!;
  return { sums, values };
}

/** Rows per evaluation batch. */
export const EVALUATION_BATCH = 1000;

/** Sums of consecutive ranges added in order. */
export function addSums(parts: readonly MetricSums[], task: Task): MetricSums {
  const total: MetricSums = { sums: new Array<number>(task === 'classify' ? 1 : 2).fill(0), values: 0 };
  for (const p of parts) {
    p.sums.forEach((v, i) => (total.sums[i]! += v));
    total.values += p.values;
  }
  return total;
}

/**
 * The metric from its sums over `count` rows: accuracy for classify; NMSE = Σ(ŷ − y)² / Σy² for regress (the
 * seed's definition); plain MSE for autoencode (the seed prints it as "NMSE" but computes the mean squared error).
 */
export function metricFromSums(task: Task, { sums, values }: MetricSums, count: number): number {
  if (task === 'classify') return count ? sums[0]! / count : 0;
  if (task === 'regress') return sums[1] ? sums[0]! / sums[1] : 0;
  return values ? sums[0]! / values : 0;
}

/** The task's metric over the first `count` rows of a data set (evaluateSums, then metricFromSums). */
export async function evaluate(
  predict: (x: tf.Tensor) => tf.Tensor,
  task: Task,
  x: Float32Array,
  y: Float32Array,
  inputShape: number[],
  count: number,
  batch = EVALUATION_BATCH,
): Promise<number> {
  return metricFromSums(task, await evaluateSums(predict, task, x, y, inputShape, 0, count, batch), count);
}
