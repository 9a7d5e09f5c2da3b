/**
 * Re-pruning a finished run at another threshold, without training: what `dropneuron prune RUN_DIR
 * --threshold X --json` prints (one JSON line per threshold) and what the language server's `dropneuron/prune`
 * request answers. The statistics are the run's own (`Summary`, the done event's), measured on the run's final
 * unpruned weights (its last checkpoint) pruned at `threshold`.
 */
import type { Metric, PruningDamage, Summary } from './events.ts';
import type { ThresholdCurvePoint } from './runFolder.ts';

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
  /** The compact/ folder: the TensorFlow.js model, and beside it the formats a run's own compact/ holds. */
  compact?: string;
  /** The compact model's other formats in compact/ (a run's end writes the same); absent for a layer the export does not cover. */
  exports?: { onnx: string; safetensors: string; python: string };
}

// The rules below are shared by the trainer (its verdict, its curve, `dropneuron prune`) and the run panel's page
// (its threshold slider), which cannot import the trainer: pure, with no Node and no TensorFlow.js.

/**
 * What pruning cost, in points (see `Summary.damage`): accuracy lost, or NMSE/MSE gained, × 100. Pruning that
 * helps costs 0. Rounded to the hundredth of a point the summary shows, so that a cost that reads "1.00 point" is
 * not "exceeded" by float noise.
 */
export function pruningCost(metric: Metric, beforePrune: number, afterPrune: number): number {
  const worse = metric === 'accuracy' ? beforePrune - afterPrune : afterPrune - beforePrune;
  return Math.max(0, Math.round(100 * worse * 100) / 100);
}

/**
 * The verdict on pruning at `threshold`: its cost, and past `tolerance` `exceeded` — a run that wrecked its model
 * must not read as a success anywhere it is shown.
 */
export function pruningDamage(metric: Metric, beforePrune: number, afterPrune: number, threshold: number, tolerance: number): PruningDamage {
  const cost = pruningCost(metric, beforePrune, afterPrune);
  return { cost, tolerance, threshold, exceeded: cost > tolerance };
}

/** One threshold's statistics (a run's summary, or a `dropneuron prune` result's) as a threshold-curve point. */
export function curvePoint(summary: Summary, threshold: number): ThresholdCurvePoint {
  return {
    threshold,
    afterPrune: summary.afterPrune,
    weightsKept: summary.weightsKept,
    compactParams: summary.compactParams,
    compression: summary.compression,
    kept: { inputs: summary.inputs.kept, ...Object.fromEntries(summary.layers.map((l) => [l.name, l.neuronsKept])) },
  };
}

/**
 * How close to chance a metric may come and still count as learned: 5 points of accuracy (MNIST's most common
 * digit alone is 11.35 % of its test set, above the 10 % of a uniform guess), 0.05 of NMSE.
 */
export const CHANCE_MARGIN = 0.05;

/**
 * What a model that ignores its input scores: a uniform guess among `classes` (accuracy), or predicting zeros
 * (NMSE, which divides by Σy²: exactly 1). Undefined for MSE, which has no such yardstick without the data.
 */
export function chanceLevel(metric: Metric, classes: number | undefined): number | undefined {
  if (metric === 'accuracy') return classes && classes > 1 ? 1 / classes : undefined;
  return metric === 'nmse' ? 1 : undefined;
}

/** Whether `value` is no better than chance (within `CHANCE_MARGIN`): a model that learned nothing, or lost it to pruning. */
export function atChance(metric: Metric, value: number, chance: number | undefined): boolean {
  if (chance === undefined) return false;
  return metric === 'accuracy' ? value <= chance + CHANCE_MARGIN : value >= chance - CHANCE_MARGIN;
}
