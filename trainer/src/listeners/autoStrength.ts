import type { AutoStrengthSearch } from '../autoStrength.ts';
import type { EpochEnd, TrainingListener } from './listener.ts';

/**
 * `dropneuron auto` at each epoch end: hands the epoch's validation metric to the search, which sets the next
 * epoch's λ, and puts the search's record on the epoch event (so the log holds it, and a resumed run rebuilds
 * the search from the log). Runs after the epoch report (which measures validation) and before the checkpoint.
 */
export class AutoStrengthStep implements TrainingListener {
  constructor(private readonly search: AutoStrengthSearch) {}

  onEpochEnd(end: EpochEnd): void {
    const event = end.event;
    if (event?.validationMetric === undefined) return;
    event.auto = this.search.observe(end.epoch, event.validationMetric);
  }
}
