import type { ThresholdCurve } from '../../protocol/runFolder.ts';

/** A curve as threshold-curve.json holds it: log-spaced thresholds, kept counts falling as the threshold rises. */
export const CURVE: ThresholdCurve = {
  version: 1,
  metric: 'accuracy',
  threshold: 0.01,
  beforePrune: 0.9,
  points: [0.001, 0.003, 0.01, 0.03, 0.1].map((threshold, i) => ({
    threshold,
    afterPrune: [0.9, 0.9, 0.89, 0.86, 0.4][i]!,
    weightsKept: [50000, 30000, 20000, 9000, 1000][i]!,
    compactParams: [50890, 31000, 21000, 9500, 1200][i]!,
    compression: [1, 1.6, 2.4, 5.4, 42][i]!,
    kept: { inputs: [784, 600, 500, 300, 40][i]!, fc1: [64, 50, 40, 20, 3][i]!, out: 10 },
  })),
};
