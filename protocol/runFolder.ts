/**
 * The run folder's format: what each of its files holds, as types and names. The contract between the trainer,
 * which writes a run folder, and whoever reads one (the CLI, the language server, through them the editor).
 * Reading and writing it is store/runFolder.ts' job; this file has no I/O.
 *
 *   <runDir>/run.json               RunManifest: how the run was started
 *   <runDir>/events.jsonl           every TrainerEvent, one JSON line each, append-only
 *   <runDir>/checkpoint.json        which checkpoint-<epoch>/ is the last complete one
 *   <runDir>/checkpoint-<epoch>/    state.json (CheckpointState) and weights.bin
 *   <runDir>/threshold-curve.json   ThresholdCurve, at the end of a finished run
 *   <runDir>/trainer.json           TrainerLock, while a process trains in it; trainer.log its stderr
 */
import type { Overrides } from '../language/index.ts';
import { isInterruption, type DoneEvent, type EpochEvent, type Metric, type Summary, type TrainerEvent } from './events.ts';

/** What a checkpoint holds besides the tensors (`state.json`): the current state only, the same size at every epoch. */
export interface CheckpointState {
  epoch: number;
  rngState: number;
  /** Names and shapes of the tensors in weights.bin, in order: the network's variables, then the optimizer's. */
  tensors: { name: string; shape: number[]; group: 'variable' | 'optimizer' }[];
  /**
   * The event of `epoch`. The log gets it only once the checkpoint is complete, so a kill between the two
   * leaves the log one epoch short: a resumed run appends it from here (`RunFolder.resumeEvents`).
   */
  event?: EpochEvent;
  /** Every event so far, in run folders written before events.jsonl was append-only: read when resuming one, never written. */
  events?: TrainerEvent[];
}

/** How a run was started: enough to resume it from the folder alone. */
export interface RunManifest {
  version: 1;
  /**
   * The spec's path. run.json keeps it relative to the run folder, '/'-separated, so a workspace moved to
   * another machine or opened over Remote still finds its spec; `RunFolder.manifest()` and `readRun` give it
   * back absolute. Runs recorded before this kept it absolute, and still read.
   */
  specPath: string;
  /** The spec text as it was when the run started: a resumed run trains this, not the edited file. */
  spec: string;
  /** Settings that replace the spec's (the run options are kept apart: `limit`). */
  overrides: Overrides;
  limit?: number;
  started: string;
}

/** Where runs go, beside their spec: `.dropneuron/runs/<model>-<yyyymmdd-hhmmss>/`. */
export const RUNS_FOLDER = '.dropneuron/runs';

export const RUN_MANIFEST = 'run.json';
export const EVENTS_FILE = 'events.jsonl';
export const CHECKPOINT_POINTER = 'checkpoint.json';
export const CHECKPOINT_PREFIX = 'checkpoint-';

/** The outputs a finished run writes into its folder (trainer/src/listeners/export.ts, re-pruned: trainer/src/prune/). */
export const SUMMARY_FILE = 'summary.json';
export const KEPT_INPUTS_FILE = 'kept-inputs.json';
export const COMPACT_FOLDER = 'compact';
export const FULL_MODEL_FOLDER = 'model';
export const prunedSpecFile = (model: string): string => `${model}.pruned.dnn`;

/**
 * Whether an entry of a run folder is one the run format owns: what `train --replace` may remove, and all a
 * folder may hold (beside the user's own nothing) for a new run to start in it. Anything else is the user's.
 */
export function isRunEntry(name: string): boolean {
  return (
    [RUN_MANIFEST, EVENTS_FILE, CHECKPOINT_POINTER, SUMMARY_FILE, KEPT_INPUTS_FILE, COMPACT_FOLDER, FULL_MODEL_FOLDER, TRAINER_LOCK, TRAINER_LOG].includes(
      name,
    ) ||
    name === THRESHOLD_CURVE_FILE ||
    isCheckpointEntry(name) ||
    /^[^/\\]+\.pruned\.dnn$/.test(name) ||
    /^pruned-[0-9.e+-]+$/.test(name) ||
    /\.tmp-\d+$/.test(name)
  );
}

/** A checkpoint's folder, complete (`checkpoint-3`) or cut short by a kill (`checkpoint-3.partial`). */
export const isCheckpointEntry = (name: string): boolean => new RegExp(`^${CHECKPOINT_PREFIX}\\d+(\\.partial)?$`).test(name);

/**
 * `threshold-curve.json`, written at the end of every run: the run's final weights re-pruned at a log-spaced grid
 * of thresholds across the range where the kept count changes (trainer/src/prune/curve.ts). What a threshold
 * slider shows without running anything; `dropneuron prune` measures any other threshold.
 */
export const THRESHOLD_CURVE_FILE = 'threshold-curve.json';

export interface ThresholdCurve {
  version: 1;
  metric: Metric;
  /** The threshold the run trained with (its done event's statistics are at this one). */
  threshold: number;
  /** The test metric of the unpruned weights. */
  beforePrune: number;
  /** Ascending by threshold. */
  points: ThresholdCurvePoint[];
}

export interface ThresholdCurvePoint {
  threshold: number;
  afterPrune: number;
  weightsKept: number;
  compactParams: number;
  compression: number;
  /** Neurons kept per layer, inputs first: `{ inputs: 542, fc1: 83, fc2: 61, out: 10 }`. */
  kept: Record<string, number>;
}

/** A past run as lists show it. */
export interface RunInfo {
  runDir: string;
  specPath: string;
  started: string;
  model: string;
  backend?: string;
  epochsCompleted?: number;
  epochs?: number;
  metric?: Metric;
  finished: boolean;
  stopped?: boolean;
  /** Layer sizes of the compact model, when the run finished. */
  compactSizes?: Record<string, number>;
  /** Settings the run took instead of the spec's, by the spec's names. */
  overrides?: Record<string, number | string>;
  /** Where the run stands (see `runState`); absent from servers that predate it. */
  state?: RunState;
  /** A finished run's summary as the Runs view reads it: what pruning cost, the size of the model the user gets. */
  summary?: RunSummary;
}

/** What a run's row reads of its summary beyond the rest of RunInfo: what pruning cost against the tolerance, the compact model's size. */
export type RunSummary = Pick<Summary, 'metric' | 'beforePrune' | 'afterPrune' | 'damage' | 'compactParams' | 'fullParams' | 'compression' | 'guidance'>;

export function runSummaryOf(summary: Summary): RunSummary {
  const { metric, beforePrune, afterPrune, damage, compactParams, fullParams, compression, guidance } = summary;
  return { metric, beforePrune, afterPrune, compactParams, fullParams, compression, ...(damage ? { damage } : {}), ...(guidance ? { guidance } : {}) };
}

/** What features need from a run: its layer stats per name and its compact sizes. */
export interface RunResult {
  runDir: string;
  done?: DoneEvent;
  lastEpoch?: EpochEvent;
}

/**
 * `trainer.json`: the process training in a run folder, written by whoever starts it (the trainer, the
 * language server right after it spawns one) and removed when the run ends. A reader that finds the process
 * gone while the log has no `done` knows the run was interrupted; one that finds it alive re-attaches (a window
 * reload, a language server restart). `trainer.log` beside it holds that process's stderr.
 */
export const TRAINER_LOCK = 'trainer.json';
export const TRAINER_LOG = 'trainer.log';

export interface TrainerLock {
  pid: number;
  /** ISO time the process started. */
  started: string;
  /** The language server's id of the run, so that a restarted server (and its client) keep calling it the same. */
  runId?: string;
}

/** running: its process trains; done: it finished or was stopped; failed: it ended with an error; interrupted: its process is gone before `done` (resume it). */
export type RunState = 'running' | 'interrupted' | 'done' | 'failed';

/**
 * Where a run stands, from its log since its latest start (a resume starts again) and whether its lock's
 * process is alive (asked only when the log has no end since that start).
 */
export function runStateOf(events: readonly TrainerEvent[], alive: () => boolean): RunState {
  const starts = events.flatMap((e, i) => (e.type === 'start' ? [i] : []));
  const end = events
    .slice(starts.at(-1) ?? 0)
    .filter((e) => e.type === 'done' || e.type === 'error')
    .at(-1);
  if (end?.type === 'done') return 'done';
  // A write that failed (a full disk) ends the log with an error the run resumes from, as from a kill.
  if (end) return isInterruption(end) ? 'interrupted' : 'failed';
  return alive() ? 'running' : 'interrupted';
}
