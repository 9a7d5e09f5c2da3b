import { writeAtomic } from '../../../protocol/files.ts';
import type { Metric, PruningDamage } from '../../../protocol/events.ts';
import { io } from '../../../protocol/runFolder.ts';
import type { Trainee } from '../loop.ts';
import { doneEventOf, type RunEnd, type TrainingListener } from './listener.ts';

/**
 * What pruning at `threshold` cost, in points (see `Summary.damage`): accuracy lost, or NMSE/MSE gained, × 100.
 * Pruning that helps costs 0. Past `tolerance` it is `exceeded`: a run that wrecked its model must not read as
 * a success anywhere it is shown.
 */
export function pruningDamage(metric: Metric, beforePrune: number, afterPrune: number, threshold: number, tolerance: number): PruningDamage {
  const worse = metric === 'accuracy' ? beforePrune - afterPrune : afterPrune - beforePrune;
  // Rounded to the hundredth of a point the summary shows, so that a cost that reads "1.00 point" is not "exceeded" by float noise.
  const cost = Math.max(0, Math.round(100 * worse * 100) / 100);
  return { cost, tolerance, threshold, exceeded: cost > tolerance };
}

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
