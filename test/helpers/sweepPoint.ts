import type { SweepPoint } from '../../protocol/sweep.ts';

/** A sound accuracy point (no layer emptied, far from chance, no damage) with its test and, if given, validation accuracy. */
export const soundPoint = (threshold: number, params: number, test: number, validation?: number): SweepPoint => ({
  threshold,
  metric: 'accuracy',
  afterPrune: test,
  error: 1 - test,
  ...(validation === undefined ? {} : { validationMetric: validation, validationError: 1 - validation }),
  params,
  weightsKept: params,
  compression: 2,
  kept: { inputs: 784, fc1: 20, out: 10 },
});
