import { availableParallelism } from 'node:os';
import type { BackendName, CheckedModel } from '../../../language/index.ts';

/**
 * How many threads train: on wasm the spec's `threads` (default: the cores available), never more than a
 * batch has rows; every other backend steps on one thread (webgpu and the TensorFlow backends run their
 * kernels elsewhere, and the cpu backend is too slow for a split to matter).
 */
export function trainingThreads(model: CheckedModel, backend: BackendName, cores = availableParallelism()): number {
  if (backend !== 'wasm') return 1;
  return Math.max(1, Math.min(model.train.threads ?? cores, model.train.batch));
}
