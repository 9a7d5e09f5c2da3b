import type { TrainerEvent } from '../../../protocol/events.ts';
import type { RunFolder } from '../../../store/runFolder.ts';
import { doneEventOf, epochEventOf, type EpochEnd, type RunEnd, type TrainingListener } from './listener.ts';

/**
 * Appends each of the run's events to the run folder's event log as it happens, then sends it to the
 * caller. It runs last: an epoch event is appended once its checkpoint is complete, so the log never runs
 * ahead of what can be resumed.
 */
export class Emitter implements TrainingListener {
  constructor(
    private readonly folder: RunFolder,
    private readonly emit: (event: TrainerEvent) => void,
  ) {}

  /** Appends the event to the folder's log, then sends it (the start event goes this way before the loop). */
  record(event: TrainerEvent): void {
    this.folder.appendEvent(event);
    this.emit(event);
  }

  onEpochEnd(end: EpochEnd): void {
    this.record(epochEventOf(end));
  }

  onRunEnd(end: RunEnd): void {
    this.record(doneEventOf(end));
  }
}
