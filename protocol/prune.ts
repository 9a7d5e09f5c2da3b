/**
 * Re-pruning a finished run at another threshold, without training: what `dropneuron prune RUN_DIR
 * --threshold X --json` prints (one JSON line per threshold) and what the language server's `dropneuron/prune`
 * request answers. The statistics are the run's own (`Summary`, the done event's), measured on the run's final
 * unpruned weights (its last checkpoint) pruned at `threshold`.
 */
import type { Summary } from './events.ts';

export interface PruneResult {
  v: 1;
  runDir: string;
  threshold: number;
  /** The threshold the run trained with (its done event's statistics are at this one). */
  runThreshold: number;
  summary: Summary;
  /** With `--write`: the variant's folder beside the original outputs, and what it holds. */
  written?: PruneOutputs;
}

/** A variant written by `prune --write`: `<runDir>/pruned-<threshold>/`. */
export interface PruneOutputs {
  dir: string;
  summary: string;
  prunedSpec: string;
  compact?: string;
}
