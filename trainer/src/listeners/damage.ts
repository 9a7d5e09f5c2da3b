import { writeAtomic, io } from '../../../store/files.ts';
import { pruningDamage } from '../../../protocol/prune.ts';
import type { Trainee } from '../loop.ts';
import { doneEventOf, type RunEnd, type TrainingListener } from './listener.ts';

// The rule itself is protocol's (shared with the run panel's threshold slider); re-exported for the trainer's callers.
export { pruningDamage };

/**
 * At the run's end, after the exporter made the done event: puts the pruning verdict on its summary, and
 * writes the summary again so that summary.json says the same as the event.
 */
export class DamageVerdict implements TrainingListener {
  constructor(private readonly t: Trainee) {}

  onRunEnd(end: RunEnd): void {
    const done = doneEventOf(end);
    const { summary } = done;
    const { threshold, tolerance } = this.t.model.regularize;
    summary.damage = pruningDamage(summary.metric, summary.beforePrune, summary.afterPrune, threshold, tolerance);
    const path = done.outputs.summary;
    io(path, 'write the summary', () => writeAtomic(path, JSON.stringify(summary, null, 2)));
  }
}
