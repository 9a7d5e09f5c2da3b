/**
 * A sweep: the cross product of values for some settings, each combination trained as an ordinary run in its
 * own run folder inside one sweep folder. This file is the contract between the sweep command, its executors
 * (local child processes, or a queue's workers) and whoever reads a sweep folder:
 *
 *   <sweepDir>/sweep.json          the sweep (SweepFile): every trial's settings and results, and the Pareto front
 *   <sweepDir>/frontier.svg        the front drawn: kept parameters (log) against test error
 *   <sweepDir>/trials/<id>/        one ordinary run folder per trial (protocol/runFolder.ts)
 *
 * Types and pure rules only; the files are read and written by store/sweepFile.ts.
 *
 * `threshold` values are free: a threshold only decides which weights count as pruned, so each trained run is
 * re-pruned at every swept threshold (`dropneuron prune`) instead of trained again. A trial is therefore one
 * training run plus the thresholds it is measured at; each (trial, threshold) is one point of the front.
 */
import type { Metric, Summary } from './events.ts';
import type { TrainingOverrides } from './settings.ts';

export const SWEEP_FILE = 'sweep.json';
export const FRONTIER_FILE = 'frontier.svg';
export const TRIALS_FOLDER = 'trials';

/** The name of the setting whose values re-prune rather than retrain. */
export const THRESHOLD_SETTING = 'threshold';

export type SweepValue = number | string;

/** One swept setting, by the spec's name (`dropneuron`, `keep_prob`, `learning_rate`), and its values in order. */
export interface SweepAxis {
  name: string;
  values: SweepValue[];
}

/** One training run of a sweep: what an executor runs. Self-contained, so that a queue can carry it as a job. */
export interface Trial {
  /** Unique in its sweep, made from its settings (so a rerun finds its folder), safe as a folder name. */
  id: string;
  /** The spec file every trial of the sweep trains (absolute). */
  specPath: string;
  /** This trial's values of the swept training settings, by the spec's names (`{ dropneuron: 0.003 }`). */
  settings: Record<string, SweepValue>;
  /** What the run takes instead of the spec's: the sweep's shared flags (`--epochs`, `--limit`, …), then `settings`. */
  overrides: TrainingOverrides;
  /** Thresholds to re-prune the trained run at; empty: only the run's own. */
  thresholds: number[];
}

/** A trained run measured at one threshold: one point of the front. */
export interface SweepPoint {
  threshold: number;
  metric: Metric;
  /** The test metric after pruning at `threshold` (Summary.afterPrune). */
  afterPrune: number;
  /** What the front minimises: 1 − accuracy, or the NMSE/MSE itself (`sweepError`). */
  error: number;
  /** Parameters of the compact model (Summary.compactParams): what the front minimises beside the error. */
  params: number;
  weightsKept: number;
  compression: number;
  /** Neurons kept per layer, inputs first: `{ inputs: 542, fc1: 83, fc2: 61, out: 10 }`. */
  kept: Record<string, number>;
}

/** How a trial ended. `stopped`: interrupted (Ctrl-C); its folder resumes on the next run of the sweep. */
export type TrialStatus = 'done' | 'stopped' | 'error';

export interface TrialResult {
  status: TrialStatus;
  /** For `error`: one line naming what failed. */
  message?: string;
  /** Training time of the run (the done event's), seconds. */
  seconds?: number;
  epochsCompleted?: number;
  /** One per measured threshold, in the trial's threshold order (the run's own threshold when it has none). */
  points: SweepPoint[];
}

/** A trial as sweep.json keeps it. */
export interface SweepTrialEntry {
  id: string;
  settings: Record<string, SweepValue>;
  thresholds: number[];
  /** The run folder, relative to the sweep folder (`trials/<id>`). */
  runDir: string;
  status: TrialStatus | 'pending' | 'running';
  result?: TrialResult;
}

/** A point on the Pareto front: no other point has both a lower error and fewer parameters. */
export interface FrontPoint {
  trial: string;
  threshold: number;
  error: number;
  params: number;
}

/** `sweep.json`. */
export interface SweepFile {
  version: 1;
  specPath: string;
  /** The swept settings, `threshold` included. */
  axes: SweepAxis[];
  /** The shared flags every trial takes (by the spec's names). */
  shared: Record<string, SweepValue>;
  trials: SweepTrialEntry[];
  /** Sorted by parameters, ascending. */
  front: FrontPoint[];
  updated: string;
}

/** The one definition of a point's error: what is lost, in the metric's own terms, smaller = better. */
export function sweepError(metric: Metric, afterPrune: number): number {
  return metric === 'accuracy' ? 1 - afterPrune : afterPrune;
}

/** A trained run's summary at one threshold as a point of the front. */
export function sweepPoint(summary: Summary, threshold: number): SweepPoint {
  return {
    threshold,
    metric: summary.metric,
    afterPrune: summary.afterPrune,
    error: sweepError(summary.metric, summary.afterPrune),
    params: summary.compactParams,
    weightsKept: summary.weightsKept,
    compression: summary.compression,
    kept: { inputs: summary.inputs.kept, ...Object.fromEntries(summary.layers.map((l) => [l.name, l.neuronsKept])) },
  };
}
