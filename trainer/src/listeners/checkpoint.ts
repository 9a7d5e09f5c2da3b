import type { RunFolder } from '../../../store/runFolder.ts';
import { saveCheckpoint } from '../checkpoint.ts';
import type { Trainee } from '../loop.ts';
import { epochEventOf, type EpochEnd, type TrainingListener } from './listener.ts';

/**
 * Checkpoints the run folder after every epoch, before the emitter appends the epoch's event to the log and
 * sends it: whoever sees an epoch can resume from it.
 */
export class Checkpointer implements TrainingListener {
  constructor(
    private readonly t: Trainee,
    private readonly folder: RunFolder,
  ) {}

  async onEpochEnd(end: EpochEnd): Promise<void> {
    await saveCheckpoint(this.t, this.folder, end.epoch, epochEventOf(end));
  }
}
