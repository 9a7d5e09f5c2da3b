import type { RunFolder } from '../../../store/runFolder.ts';
import { writeThresholdCurve } from '../../../store/thresholdCurve.ts';
import type { Evaluator } from '../evaluator.ts';
import type { Trainee } from '../loop.ts';
import { thresholdCurve } from '../prune/curve.ts';
import { doneEventOf, type RunEnd, type TrainingListener } from './listener.ts';

/**
 * At the end of a finished run, re-prunes the final weights at a grid of thresholds and writes the curve to the run
 * folder (`threshold-curve.json`), so a threshold can be chosen after training without measuring anything.
 * Runs after the exporter (it adds the file to the done event's outputs) and before the emitter (which sends it).
 */
export class ThresholdCurveWriter implements TrainingListener {
  constructor(
    private readonly t: Trainee,
    private readonly evaluator: Evaluator,
    private readonly folder: RunFolder,
  ) {}

  async onRunEnd(end: RunEnd): Promise<void> {
    // A stop should end the run now, not after 24 more test evaluations: the curve comes with the run's end
    // (`train --resume` on a stopped run finishes it; on a finished one it writes the outputs again, curve included).
    if (end.stopped) return;
    const done = doneEventOf(end);
    const weights = await this.t.network.read();
    const curve = await thresholdCurve(this.t.model, weights, this.evaluator, done.summary.beforePrune);
    done.outputs.thresholdCurve = writeThresholdCurve(this.folder.dir, curve);
  }
}
