import type { CheckedModel } from '../../../language/index.ts';
import { curvePoint } from '../../../protocol/prune.ts';
import type { ThresholdCurve, ThresholdCurvePoint } from '../../../protocol/runFolder.ts';
import { compact } from '../compact.ts';
import { metricOf } from '../evaluate.ts';
import type { Evaluator } from '../evaluator.ts';
import { zeroBelowThreshold, type LayerWeights } from '../layerWeights.ts';
import { summarize } from './summary.ts';

/** How many thresholds a curve measures. */
export const CURVE_POINTS = 24;

/** The narrowest span a curve covers, as a ratio: weights that are all alike still get a readable curve. */
const MIN_SPAN = 10;

/**
 * A log-spaced grid across the thresholds where the kept count changes. A neuron (a column of W) or an input
 * (a row of the first W) stays while its largest |weight| is at or above the threshold, so the grid runs
 * from the smallest of those largest weights (below it nothing is pruned away but single weights) to the
 * largest weight of the layer that empties first (past it a layer has collapsed and the curve is flat).
 * Weights already zero (a finetuned run's pruned ones) do not count.
 */
export function curveThresholds(weights: readonly LayerWeights[], count = CURVE_POINTS): number[] {
  let lo = Infinity;
  let hi = Infinity;
  weights.forEach(({ layer, w }, index) => {
    const cols = layer.weightShape!.at(-1)!;
    const rows = w.length / cols;
    const colMax = new Float64Array(cols);
    const rowMax = new Float64Array(rows);
    let layerMax = 0;
    for (let i = 0; i < w.length; i++) {
      const v = Math.abs(w[i]!);
      const c = i % cols;
      const r = Math.floor(i / cols);
      if (v > colMax[c]!) colMax[c] = v;
      if (v > rowMax[r]!) rowMax[r] = v;
      if (v > layerMax) layerMax = v;
    }
    const alive = (xs: Float64Array): number[] => [...xs].filter((x) => x > 0);
    // Output units of the last layer are never pruned away; inputs are rows of the first W only.
    const groups = [...(index < weights.length - 1 ? alive(colMax) : []), ...(index === 0 ? alive(rowMax) : [])];
    if (groups.length) lo = Math.min(lo, ...groups);
    if (layerMax > 0) hi = Math.min(hi, layerMax);
  });
  if (!Number.isFinite(hi)) return [];
  if (!Number.isFinite(lo) || lo >= hi / MIN_SPAN) lo = Math.min(lo, hi / MIN_SPAN);
  const grid: number[] = [];
  for (let i = 0; i < count; i++) grid.push(Number((lo * Math.pow(hi / lo, count === 1 ? 0 : i / (count - 1))).toPrecision(4)));
  return [...new Set(grid)];
}

/**
 * The weights re-pruned at every threshold of the grid (and at the run's own, so the curve passes through the
 * run's result): each point is what the run's summary would say had it trained with that threshold.
 */
export async function thresholdCurve(
  model: CheckedModel,
  weights: readonly LayerWeights[],
  evaluator: Evaluator,
  beforePrune: number,
  thresholds: number[] = curveThresholds(weights),
): Promise<ThresholdCurve> {
  const own = model.regularize.threshold;
  const all = [...new Set([...thresholds, own])].sort((a, b) => a - b);
  const points: ThresholdCurvePoint[] = [];
  for (const threshold of all) {
    const pruned = zeroBelowThreshold(weights, threshold);
    const afterPrune = await evaluator.test(pruned);
    points.push(curvePoint(summarize(model, pruned, compact(model, pruned), beforePrune, afterPrune), threshold));
  }
  return { version: 1, metric: metricOf(model.task), threshold: own, beforePrune, points };
}
