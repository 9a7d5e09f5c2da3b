import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { InferenceLatency } from '../../../protocol/events.ts';

/** Calls timed at batch 1 and at batch 256 (on the test set's first rows): enough for a stable mean, little enough for every run's end. */
const SINGLE_CALLS = 64;
const BATCH_CALLS = 8;
const BATCH = 256;
/** A slow model (large images on a CPU backend) gets fewer calls: each measurement stops adding calls past this. */
const BUDGET_MS = 1500;

/**
 * Mean inference milliseconds per call of the full and the compact TensorFlow.js model on the test set's
 * first rows, at batch 1 and batch 256, on the run's backend. The compact model's time includes picking its
 * kept inputs (`keptInputs`), as its ONNX and PyTorch exports do: both read the same rows. Each model runs
 * once at each size before it is timed (kernels compile and allocate on first use).
 */
export async function measureLatency(
  full: tfl.LayersModel,
  compact: tfl.LayersModel,
  keptInputs: readonly number[] | undefined,
  testX: Float32Array,
  inputShape: readonly number[],
  testCount: number,
): Promise<InferenceLatency | undefined> {
  if (testCount === 0) return undefined;
  const size = inputShape.reduce((a, b) => a * b, 1);
  const batch = Math.min(BATCH, testCount);
  const kept = keptInputs ? tf.tensor1d([...keptInputs], 'int32') : undefined;
  const rows = (start: number, count: number): tf.Tensor => tf.tensor(testX.subarray(start * size, (start + count) * size), [count, ...inputShape]);
  const run = async (m: tfl.LayersModel, x: tf.Tensor, pick: boolean): Promise<void> => {
    const y = tf.tidy(() => m.predict(pick && kept ? tf.gather(x, kept, 1) : x) as tf.Tensor);
    await y.data();
    y.dispose();
  };
  const time = async (m: tfl.LayersModel, pick: boolean, count: number, calls: number): Promise<number> => {
    // At most two distinct inputs, taken in turn: a batch of large images is big enough to hold only two.
    const distinct = Math.min(Math.floor(testCount / count), 2, calls) || 1;
    const inputs = Array.from({ length: distinct }, (_, i) => rows(i * count, count));
    try {
      const warm = performance.now();
      await run(m, inputs[0]!, pick);
      // The warm-up's time (which includes compiling) says how many calls fit the budget; at least one is timed.
      const fit = Math.max(1, Math.min(calls, Math.floor(BUDGET_MS / Math.max(performance.now() - warm, 1e-3))));
      const start = performance.now();
      for (let i = 0; i < fit; i++) await run(m, inputs[i % distinct]!, pick);
      return (performance.now() - start) / fit;
    } finally {
      tf.dispose(inputs);
    }
  };
  try {
    return {
      backend: tf.getBackend(),
      batchSize: batch,
      full: { batch1Ms: await time(full, false, 1, SINGLE_CALLS), batchMs: await time(full, false, batch, BATCH_CALLS) },
      compact: { batch1Ms: await time(compact, true, 1, SINGLE_CALLS), batchMs: await time(compact, true, batch, BATCH_CALLS) },
    };
  } finally {
    kept?.dispose();
  }
}
