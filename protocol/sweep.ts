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
import type { Metric, PruningDamage, Summary } from './events.ts';
import { formatMetric, formatPoints } from './present.ts';
import { atChance, chanceLevel } from './prune.ts';
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
  /** The test metric before pruning (Summary.beforePrune; absent in sweeps recorded before it was kept). */
  beforePrune?: number;
  /** What pruning at `threshold` cost against the spec's tolerance (Summary.damage; absent likewise). */
  damage?: PruningDamage;
  /** For accuracy: the classes the output layer chooses among, which sets chance (absent likewise). */
  classes?: number;
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

/** A point on the Pareto front: no other point has both a lower error and fewer parameters, and it is not broken (`pointFlaws`). */
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
    beforePrune: summary.beforePrune,
    ...(summary.damage ? { damage: summary.damage } : {}),
    ...(summary.metric === 'accuracy' && summary.layers.length ? { classes: summary.layers.at(-1)!.neuronsTotal } : {}),
  };
}

/** Why a point is broken, as a short tag for a table's cell and a sentence in plain words. */
export interface PointFlaw {
  kind: 'collapsed' | 'chance' | 'damage';
  tag: string;
  reason: string;
}

/**
 * The one rule for a point no one should pick, whoever shows the front (sweep.json's front, frontier.svg, the
 * CLI's table, the sweep panel): a layer that lost every neuron (the output no longer depends on the input), a
 * metric at chance (an undertrained run, or one pruning wrecked), or pruning that cost more than the spec's
 * tolerance (`pruningDamage`, as the trainer judged it). Empty: the point is sound. Such a point is still shown,
 * marked, but is never on the front: a tiny model at chance would otherwise "dominate" every model that works.
 */
export function pointFlaws(p: SweepPoint): PointFlaw[] {
  const flaws: PointFlaw[] = [];
  const emptied = Object.entries(p.kept)
    .filter(([, n]) => n === 0)
    .map(([layer]) => layer);
  if (emptied.length) {
    flaws.push({
      kind: 'collapsed',
      tag: 'collapsed',
      reason: `${emptied.join(', ')} lost every neuron: the model no longer reads its input`,
    });
  }
  // Sweeps recorded before `classes` was kept: the output layer's neurons (never pruned) are its classes.
  const classes = p.classes ?? Object.values(p.kept).at(-1);
  const chance = chanceLevel(p.metric, classes);
  if (chance !== undefined && atChance(p.metric, p.afterPrune, chance)) {
    const yardstick =
      p.metric === 'accuracy'
        ? `guessing among ${classes} classes scores ${formatMetric(p.metric, chance)}`
        : `predicting zeros scores ${formatMetric(p.metric, chance)}`;
    flaws.push({
      kind: 'chance',
      tag: 'at chance',
      reason: `${p.metric} ${formatMetric(p.metric, p.afterPrune)} is no better than chance (${yardstick}): the run learned nothing, or pruning destroyed it`,
    });
  }
  if (p.damage?.exceeded) {
    const from = p.beforePrune === undefined ? '' : ` (${formatMetric(p.metric, p.beforePrune)} → ${formatMetric(p.metric, p.afterPrune)})`;
    flaws.push({
      kind: 'damage',
      tag: 'over tolerance',
      reason: `pruning at threshold ${p.threshold} cost ${formatPoints(p.damage.cost)}${from}, more than the spec's tolerance of ${formatPoints(p.damage.tolerance)}`,
    });
  }
  return flaws;
}

/**
 * The Pareto front of (error, params) points: those no other point dominates, where a point dominates another
 * when it is at least as good on both and better on one. Equal points both stay. Sorted by params, then error.
 * One sort and one pass: O(n log n). Broken points are the caller's to leave out (`sweepFront`).
 */
export function paretoFront<P extends Pick<FrontPoint, 'error' | 'params'>>(points: readonly P[]): P[] {
  const sorted = [...points].filter((p) => Number.isFinite(p.error) && Number.isFinite(p.params)).sort((a, b) => a.params - b.params || a.error - b.error);
  const front: P[] = [];
  // Walking by params ascending, a point is on the front when its error is below every error seen at fewer
  // params (or equal to the last front point's and at the same params: a tie).
  let best = Infinity;
  for (const p of sorted) {
    const last = front.at(-1);
    if (p.error < best) {
      front.push(p);
      best = p.error;
    } else if (last && p.error === last.error && p.params === last.params) {
      front.push(p);
    }
  }
  return front;
}

/** A sweep's front: the Pareto front of its finished trials' sound points (`pointFlaws` empty). */
export function sweepFront(trials: readonly Pick<SweepTrialEntry, 'id' | 'status' | 'result'>[]): FrontPoint[] {
  const sound = trials.flatMap((t) =>
    t.status === 'done'
      ? (t.result?.points ?? []).filter((p) => !pointFlaws(p).length).map((p) => ({ trial: t.id, threshold: p.threshold, error: p.error, params: p.params }))
      : [],
  );
  return paretoFront(sound);
}
