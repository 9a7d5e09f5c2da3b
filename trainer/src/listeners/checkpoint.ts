import type { EpochEvent, StartEvent } from '../../../protocol/events.ts';
import type { RunFolder } from '../../../protocol/runFolder.ts';
import { saveCheckpoint } from '../checkpoint.ts';
import type { Trainee } from '../loop.ts';
import { epochEventOf, type EpochEnd, type TrainingListener } from './listener.ts';

/**
 * Checkpoints the run folder after every epoch, with this session's start event and every epoch event so
 * far, the new one included: the event is in the folder before the emitter sends it.
 */
export class Checkpointer implements TrainingListener {
  private readonly epochs: EpochEvent[];

  /** `previous`: the epoch events of the checkpoint a resumed run started from. */
  constructor(
    private readonly t: Trainee,
    private readonly folder: RunFolder,
    private readonly start: StartEvent,
    previous: readonly EpochEvent[],
  ) {
    this.epochs = [...previous];
  }

  async onEpochEnd(end: EpochEnd): Promise<void> {
    this.epochs.push(epochEventOf(end));
    await saveCheckpoint(this.t, this.folder, end.epoch, [this.start, ...this.epochs]);
  }
}
