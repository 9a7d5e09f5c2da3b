/**
 * The run panel's threshold slider, as pure functions: where a slider position lands on the run's threshold curve
 * (threshold-curve.json), what the page shows there, and whether the server must measure it exactly. No DOM.
 *
 * The slider runs over log(threshold) between the curve's first and last positive thresholds, in SLIDER_STEPS
 * steps: the curve's grid is log-spaced (trainer/src/prune/curve.ts), so each point gets about the same room.
 */
import type { Summary } from '../../protocol/events.ts';
import { curvePoint, pruningCost } from '../../protocol/prune.ts';
import type { ThresholdCurve, ThresholdCurvePoint } from '../../protocol/runFolder.ts';

export const SLIDER_STEPS = 400;

export interface ThresholdView {
  curve: ThresholdCurve;
  /** The spec's tolerance, in points (the run's damage verdict's), when the run recorded one. */
  tolerance?: number;
  /** The slider's position, 0..SLIDER_STEPS. */
  position: number;
  /** Exact measurements the server made (`dropneuron prune`) at thresholds off the curve, by threshold. */
  exact: ThresholdCurvePoint[];
  /** The threshold the server is measuring now. */
  pending?: number;
  /** Why the last exact measurement failed, in one sentence. */
  error?: string;
}

/** What the page shows at the slider: the point (a curve point, or an exact measurement) and what it cost. */
export interface Reading {
  /** The slider's own threshold. */
  threshold: number;
  point: ThresholdCurvePoint;
  /** `curve`: a curve point (instant; the nearest one between points); `exact`: measured at the slider's threshold. */
  source: 'curve' | 'exact';
  /** What pruning at `point.threshold` cost, in points; `exceeded` when more than the tolerance. */
  cost: number;
  exceeded: boolean;
}

const positive = (curve: ThresholdCurve): ThresholdCurvePoint[] => curve.points.filter((p) => p.threshold > 0);

function bounds(curve: ThresholdCurve): [number, number] {
  const points = positive(curve);
  const lo = points[0]?.threshold ?? (curve.threshold > 0 ? curve.threshold : 1e-3);
  const hi = points.at(-1)?.threshold ?? lo;
  return hi > lo ? [Math.log10(lo), Math.log10(hi)] : [Math.log10(lo) - 1, Math.log10(lo) + 1];
}

/** The threshold at a slider position, rounded to 3 significant digits: a value a spec can hold as people write it. */
export function thresholdAt(curve: ThresholdCurve, position: number): number {
  const [lo, hi] = bounds(curve);
  const p = Math.min(SLIDER_STEPS, Math.max(0, Math.round(position)));
  return Number((10 ** (lo + ((hi - lo) * p) / SLIDER_STEPS)).toPrecision(3));
}

/** The slider position nearest a threshold (thresholds ≤ 0 and beyond the curve at its ends). */
export function positionOf(curve: ThresholdCurve, threshold: number): number {
  const [lo, hi] = bounds(curve);
  if (!(threshold > 0)) return 0;
  return Math.min(SLIDER_STEPS, Math.max(0, Math.round(((Math.log10(threshold) - lo) / (hi - lo)) * SLIDER_STEPS)));
}

/** The curve point nearest `threshold` on the slider's log scale. */
export function nearestPoint(curve: ThresholdCurve, threshold: number): ThresholdCurvePoint | undefined {
  const at = positionOf(curve, threshold);
  let best: ThresholdCurvePoint | undefined;
  for (const p of curve.points) if (!best || Math.abs(positionOf(curve, p.threshold) - at) < Math.abs(positionOf(curve, best.threshold) - at)) best = p;
  return best;
}

/**
 * The threshold the slider stands for: a curve point's own threshold where the slider sits on that point's step
 * (so that what is shown, used and exported is what the curve measured), else the step's threshold.
 */
export function selectedThreshold(view: ThresholdView, position = view.position): number {
  const on = view.curve.points.find((p) => positionOf(view.curve, p.threshold) === Math.round(position));
  return on ? on.threshold : thresholdAt(view.curve, position);
}

/** Whether the curve (or an exact measurement) already holds the slider's threshold: then released there, nothing runs. */
export function isMeasured(view: ThresholdView, position = view.position): boolean {
  const threshold = selectedThreshold(view, position);
  return view.curve.points.some((p) => p.threshold === threshold) || view.exact.some((p) => p.threshold === threshold);
}

/** What pruning cost, in points: the trainer's own rule (its damage verdict), from protocol/prune.ts. */
export const costOf = pruningCost;

export function reading(view: ThresholdView): Reading | undefined {
  const threshold = selectedThreshold(view);
  const exact = view.exact.find((p) => p.threshold === threshold);
  const point = exact ?? view.curve.points.find((p) => p.threshold === threshold) ?? nearestPoint(view.curve, threshold);
  if (!point) return undefined;
  const cost = costOf(view.curve.metric, view.curve.beforePrune, point.afterPrune);
  return { threshold, point, source: exact ? 'exact' : 'curve', cost, exceeded: view.tolerance !== undefined && cost > view.tolerance };
}

/** A new view: the slider at the run's own threshold. */
export function initialView(curve: ThresholdCurve, tolerance?: number): ThresholdView {
  return { curve, ...(tolerance !== undefined ? { tolerance } : {}), position: positionOf(curve, curve.threshold), exact: [] };
}

/** A `dropneuron prune` result as a curve point: the same fields, by the same rule, as the curve file's (protocol/prune.ts). */
export function pointOf(threshold: number, summary: Summary): ThresholdCurvePoint {
  return curvePoint(summary, threshold);
}

/** The view after the server measured `threshold` exactly (or failed to). */
export function withExact(view: ThresholdView, threshold: number, result: { summary: Summary } | { error: string }): ThresholdView {
  const { pending: _pending, error: _error, ...rest } = view;
  const pending = view.pending !== undefined && view.pending !== threshold ? { pending: view.pending } : {};
  if ('error' in result) return { ...rest, ...pending, error: result.error };
  return { ...rest, ...pending, exact: [...view.exact.filter((p) => p.threshold !== threshold), pointOf(threshold, result.summary)] };
}
