import type { TrainingOverrides } from '../../../protocol/settings.ts';
import type { BatchBuffers } from '../batches.ts';
import type { MetricSums } from '../evaluate.ts';
import type { Shard } from '../step.ts';
import type { PenaltyWeights } from '../penalties.ts';

/** What a worker is started with (worker_threads' workerData): the run's spec, and the memory it shares with the pool. */
export interface WorkerSetup {
  /** The spec's text and overrides as the run's manifest holds them: the worker checks the same model. */
  spec: string;
  overrides: TrainingOverrides;
  inputShape: number[];
  targetWidth: number;
  /** The batch being stepped, gathered by the pool's thread. */
  batch: BatchBuffers;
  /** Every variable's values, in network.variables order, written by the pool before each step or evaluation. */
  weights: Float32Array;
  /** Where this worker writes its gradients, in the same layout. */
  grads: Float32Array;
}

export type ToWorker =
  | { type: 'step'; n: number; shard: Shard; dropoutSeed?: number | undefined; scale: PenaltyWeights }
  /** Rows [from, to) of `x`/`y` (the first `count` rows of a set, shared by the pool). */
  | { type: 'evaluate'; x: Float32Array; y: Float32Array; from: number; to: number };

export type FromWorker =
  | { type: 'ready' }
  /** The shard's loss parts (LOSS_PARTS order); its gradients are in the shared `grads`. */
  | { type: 'stepped'; parts: number[] }
  | { type: 'evaluated'; sums: MetricSums }
  | { type: 'failed'; message: string };
