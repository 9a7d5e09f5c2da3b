import type { DoneEvent, StartEvent, TrainerEvent } from '../../../protocol/events.ts';
import type { RunFolder } from '../../../protocol/runFolder.ts';
import { doneEventOf, epochEventOf, type EpochEnd, type RunEnd, type TrainingListener } from './listener.ts';

/**
 * Sends the run's events to the caller. The start and done events are appended to the run folder's event
 * log first; an epoch event is already there when it arrives (the checkpoint rewrote the log with it).
 */
export class Emitter implements TrainingListener {
  constructor(
    private readonly folder: RunFolder,
    private readonly emit: (event: TrainerEvent) => void,
  ) {}

  /** Appends the event to the folder's log, then sends it (the start event goes this way before the loop). */
  record(event: StartEvent | DoneEvent): void {
    this.folder.appendEvent(event);
    this.emit(event);
  }

  onEpochEnd(end: EpochEnd): void {
    this.emit(epochEventOf(end));
  }

  onRunEnd(end: RunEnd): void {
    this.record(doneEventOf(end));
  }
}
