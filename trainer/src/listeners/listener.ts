import type { DoneEvent, EpochEvent, Loss } from '../../../protocol/events.ts';
import type { Phase } from '../schedule.ts';

/**
 * What the training loop (loop.ts) calls, as tfjs-layers' `fit` calls its callbacks: the loop only trains;
 * reports, checkpoints, events and exports are listeners. The loop calls every listener's hook in list
 * order and awaits each before the next, so a listener may rely on the ones before it (run.ts builds the
 * list and says why it has its order). A hook that throws ends the run with a `trainer` error.
 */
export interface TrainingListener {
  /** After every training step, before the loop polls for a stop request. */
  onBatchEnd?(end: BatchEnd): void;
  /** After every finished epoch (a stopped epoch never finishes). */
  onEpochEnd?(end: EpochEnd): void | Promise<void>;
  /** Once, after the last epoch or after a stop. */
  onRunEnd?(end: RunEnd): void | Promise<void>;
}

export interface BatchEnd {
  epoch: number;
  /** 1-based. */
  batch: number;
  batches: number;
}

export interface EpochEnd {
  epoch: number;
  phase: Phase;
  /** Mean over the epoch's batches. */
  loss: Loss;
  /** Training time of the epoch: its steps and the loss read, not the listeners' work. */
  seconds: number;
  /** Set by the epoch report (listeners/epochReport.ts) for the listeners after it, as tfjs' `logs`. */
  event?: EpochEvent;
}

export interface RunEnd {
  stopped: boolean;
  /** The last epoch that finished (startEpoch − 1 when none did). */
  epochsCompleted: number;
  /** Set by the exporter (listeners/export.ts) for the listeners after it. */
  done?: DoneEvent;
}

/** The epoch event an earlier listener put on `end`; a missing one is a wrongly ordered listener list. */
export function epochEventOf(end: EpochEnd): EpochEvent {
  if (!end.event) throw new Error(`expected the epoch report to run before this listener, found no event for epoch ${end.epoch}`);
  return end.event;
}

/** The done event an earlier listener put on `end`. */
export function doneEventOf(end: RunEnd): DoneEvent {
  if (!end.done) throw new Error('expected the exporter to run before this listener, found no done event');
  return end.done;
}
