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
import { formatCount, formatMetric, formatPoints } from './present.ts';
import { atChance, chanceLevel, pruningDamage } from './prune.ts';
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
  /** The test error: 1 − accuracy, or the NMSE/MSE itself (`sweepError`). What the point is reported with. */
  error: number;
  /** The metric after pruning on the run's validation rows (Summary.validationMetric; absent without `validation`). */
  validationMetric?: number;
  /** `sweepError` of `validationMetric`: what the front minimises when every point has one (`frontSet`). */
  validationError?: number;
  /** Parameters of the compact model (Summary.compactParams): what the front minimises beside the error. */
  params: number;
  weightsKept: number;
  compression: number;
  /** Neurons kept per layer, inputs first: `{ inputs: 542, fc1: 83, fc2: 61, out: 10 }`. */
  kept: Record<string, number>;
  /** The test metric before pruning (Summary.beforePrune; absent in sweeps recorded before it was kept). */
  beforePrune?: number;
  /** What pruning at `threshold` cost on test against the spec's tolerance (Summary.damage; absent likewise). */
  damage?: PruningDamage;
  /** The validation metric before pruning (Summary.validationBeforePrune; absent without validation, and in older sweeps). */
  validationBeforePrune?: number;
  /** What pruning cost on the validation rows (`validationBeforePrune` → `validationMetric`): what `pointFlaws` judges by. */
  validationDamage?: PruningDamage;
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
  /** Training samples the run held out for validation (its start event's; absent: none). */
  validationSamples?: number;
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

/**
 * A point on the Pareto front: no other point has both a lower error and fewer parameters on the set that chose
 * the front (`frontSet`), and it is not broken (`pointFlaws`).
 */
export interface FrontPoint {
  trial: string;
  threshold: number;
  /** The TEST error, whichever set chose the front: what the point ships with and is reported by. */
  error: number;
  /** The validation error, where the run held rows out: what chose the front when `frontSet` says 'validation'. */
  validationError?: number;
  params: number;
}

/**
 * Which data chose a sweep's front. 'validation': the training samples each run held out (`validation N`), so the
 * test error stays an honest estimate of the model shipped; 'test': the runs held none out, so the front is picked
 * on the very set it is reported on (an optimistic choice, said as such wherever the front is shown).
 */
export type FrontSet = 'validation' | 'test';

/**
 * What a published result's error is, in the words every view says beside it (frontier.svg's subtitle, sweep.json's
 * `anchors.note`, which the sweep panel shows): their papers' code picks its checkpoint on the test set, so no view
 * may let them read as shipped test errors. (Here rather than in cli/sweep/anchors.ts, the anchors' table: that
 * file imports the chart's types from frontier.ts, which says this sentence, and an import cycle would follow.)
 */
export const ANCHOR_ERROR_NOTE = 'the best test error seen during training (a checkpoint picked on the test set)';

/** A published structured-pruning result of the swept model (cli/sweep/anchors.ts), as a reader of sweep.json needs it. */
export interface SweepAnchor {
  /** The method's short name and the kept sizes: `L0 266-88-33`. */
  label: string;
  /** The method and its paper. */
  method: string;
  /** Kept sizes, in the order `SweepAnchors.sizesAre` names. */
  sizes: number[];
  /** Its test error (`ANCHOR_ERROR_NOTE`), as `sweepError` counts a point's. */
  error: number;
  /** Weights plus biases of the network its sizes leave. */
  params: number;
  /** A target: at most this size at most this error. */
  target?: boolean;
}

/** The published results of the swept model, when it is one that has them (LeNet-300-100, LeNet-5-Caffe). */
export interface SweepAnchors {
  /** The model they are of: `LeNet-300-100`. */
  model: string;
  /** What each anchor's `sizes` count, in order: `inputs-fc1-fc2`. */
  sizesAre: string;
  /** What their errors are: `ANCHOR_ERROR_NOTE`. */
  note: string;
  points: SweepAnchor[];
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
  /** Which set chose `front` (`frontSet`); absent in sweeps written before it was kept: 'test'. */
  frontSelectedOn?: FrontSet;
  /** The swept model's published results; absent for a model without any (and in sweeps written before they were kept). */
  anchors?: SweepAnchors;
  updated: string;
}

/** The one definition of a point's error: what is lost, in the metric's own terms, smaller = better. */
export function sweepError(metric: Metric, afterPrune: number): number {
  return metric === 'accuracy' ? 1 - afterPrune : afterPrune;
}

/** `sweepError`'s inverse: the metric an error stands for (accuracy 1 − error; NMSE and MSE are their error). */
export function errorMetric(metric: Metric, error: number): number {
  return metric === 'accuracy' ? 1 - error : error;
}

/** A trained run's summary at one threshold as a point of the front. */
export function sweepPoint(summary: Summary, threshold: number): SweepPoint {
  return {
    threshold,
    metric: summary.metric,
    afterPrune: summary.afterPrune,
    error: sweepError(summary.metric, summary.afterPrune),
    ...(summary.validationMetric === undefined
      ? {}
      : { validationMetric: summary.validationMetric, validationError: sweepError(summary.metric, summary.validationMetric) }),
    params: summary.compactParams,
    weightsKept: summary.weightsKept,
    compression: summary.compression,
    kept: { inputs: summary.inputs.kept, ...Object.fromEntries(summary.layers.map((l) => [l.name, l.neuronsKept])) },
    beforePrune: summary.beforePrune,
    ...(summary.damage ? { damage: summary.damage } : {}),
    ...(summary.damage && summary.validationMetric !== undefined && summary.validationBeforePrune !== undefined
      ? {
          validationBeforePrune: summary.validationBeforePrune,
          validationDamage: pruningDamage(summary.metric, summary.validationBeforePrune, summary.validationMetric, threshold, summary.damage.tolerance),
        }
      : {}),
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
 * tolerance (`pruningDamage`). Empty: the point is sound. Such a point is still shown, marked, but is never on the
 * front: a tiny model at chance would otherwise "dominate" every model that works.
 *
 * Chance and damage are judged on the validation rows when the point was measured on them, so that the test set
 * neither chooses the front (`frontSet`) nor decides which points may be on it; on test otherwise, and for the
 * damage of points recorded before the validation metric before pruning was kept.
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
  const onValidation = p.validationMetric !== undefined;
  const shipped = p.validationMetric ?? p.afterPrune;
  const where = onValidation ? 'validation ' : '';
  if (chance !== undefined && atChance(p.metric, shipped, chance)) {
    const yardstick =
      p.metric === 'accuracy'
        ? `guessing among ${classes} classes scores ${formatMetric(p.metric, chance)}`
        : `predicting zeros scores ${formatMetric(p.metric, chance)}`;
    flaws.push({
      kind: 'chance',
      tag: 'at chance',
      reason: `${where}${p.metric} ${formatMetric(p.metric, shipped)} is no better than chance (${yardstick}): the run learned nothing, or pruning destroyed it`,
    });
  }
  // The damage measured on the same rows as the chance above, where the point has it.
  const judged =
    onValidation && p.validationDamage
      ? { damage: p.validationDamage, before: p.validationBeforePrune, after: shipped, on: 'on validation ' }
      : p.damage && { damage: p.damage, before: p.beforePrune, after: p.afterPrune, on: '' };
  if (judged?.damage.exceeded) {
    const { damage, before, after, on } = judged;
    const from = before === undefined ? '' : ` (${formatMetric(p.metric, before)} → ${formatMetric(p.metric, after)})`;
    flaws.push({
      kind: 'damage',
      tag: 'over tolerance',
      reason: `pruning at threshold ${p.threshold} cost ${on}${formatPoints(damage.cost)}${from}, more than the spec's tolerance of ${formatPoints(damage.tolerance)}`,
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

type FinishedTrial = Pick<SweepTrialEntry, 'id' | 'status' | 'result'>;

/** Every finished trial's sound points (`pointFlaws` empty), as front candidates. */
function soundPoints(trials: readonly FinishedTrial[]): FrontPoint[] {
  return trials.flatMap((t) =>
    t.status === 'done'
      ? (t.result?.points ?? [])
          .filter((p) => !pointFlaws(p).length)
          .map((p) => ({
            trial: t.id,
            threshold: p.threshold,
            error: p.error,
            ...(p.validationError === undefined ? {} : { validationError: p.validationError }),
            params: p.params,
          }))
      : [],
  );
}

/**
 * The one rule for which set chooses a sweep's front: validation when every sound finished point has a validation
 * error (every run held rows out), else test — one point without would be judged on another set than the rest.
 * With no sound point yet, the finished points say it (so that an all-broken validation sweep still says validation).
 */
export function frontSet(trials: readonly FinishedTrial[]): FrontSet {
  const sound = soundPoints(trials);
  const finished: readonly { validationError?: number }[] = sound.length ? sound : trials.flatMap((t) => (t.status === 'done' ? (t.result?.points ?? []) : []));
  return finished.length && finished.every((p) => p.validationError !== undefined && Number.isFinite(p.validationError)) ? 'validation' : 'test';
}

/** How many training samples the sweep's runs held out for validation: one count, or the smallest and largest. */
export function heldOutSamples(trials: readonly FinishedTrial[]): { min: number; max: number } | undefined {
  const counts = trials.flatMap((t) => (t.status === 'done' && t.result?.validationSamples ? [t.result.validationSamples] : []));
  return counts.length ? { min: Math.min(...counts), max: Math.max(...counts) } : undefined;
}

/**
 * Which set chose the front, in one sentence for whoever shows it (the CLI under its table, the sweep panel under
 * its own): the validation rows held out, with the test error reported; or the test set, with how to do better.
 */
export function frontSetText(trials: readonly FinishedTrial[]): string {
  if (frontSet(trials) === 'test') return 'front chosen on the test set: add `validation N` to the train block to choose on held-out data';
  const held = heldOutSamples(trials);
  const count = !held
    ? ''
    : held.min === held.max
      ? ` (${formatCount(held.min)} samples held out of training)`
      : ` (${formatCount(held.min)} to ${formatCount(held.max)} samples held out of training)`;
  return `front chosen and broken points judged on validation${count}; test error reported`;
}

/** The error a front is chosen by (`frontSet`): a point's validation error on a validation front, its test error otherwise. */
export function selectionError(p: Pick<FrontPoint, 'error' | 'validationError'>, on: FrontSet): number {
  return on === 'validation' ? (p.validationError ?? NaN) : p.error;
}

/**
 * A sweep's front: the Pareto front of its finished trials' sound points (`pointFlaws` empty), chosen on the set
 * `frontSet` says. Each point keeps its test `error`: what it ships with, and what every view reports.
 */
export function sweepFront(trials: readonly FinishedTrial[]): FrontPoint[] {
  const sound = soundPoints(trials);
  const on = frontSet(trials);
  if (on === 'test') return paretoFront(sound);
  // paretoFront minimises `error`: handed the validation error as it, and each point back with its test error.
  return paretoFront(sound.map((point) => ({ point, error: selectionError(point, on), params: point.params }))).map((c) => c.point);
}
