/** The sweep panel's points, as a pure function of sweep.json: what the scatter and the table show. */
import type { Metric } from '../../protocol/events.ts';
import { formatCount, formatMetric } from '../../protocol/present.ts';
import {
  errorMetric,
  frontSet,
  frontSetText,
  pointFlaws,
  sweepFront,
  type FrontSet,
  type PointFlaw,
  type SweepAnchor,
  type SweepFile,
  type SweepValue,
} from '../../protocol/sweep.ts';
import { isRoundTick } from './ticks.ts';

export interface SweepPagePoint {
  trial: string;
  threshold: number;
  /** What the point's settings read as: the trial's swept settings and the threshold it was measured at. */
  label: string;
  settings: Record<string, SweepValue>;
  params: number;
  error: number;
  metric: Metric;
  afterPrune: number;
  beforePrune?: number | undefined;
  /** The metric after pruning on the run's validation rows (absent when it held none out). */
  validationMetric?: number | undefined;
  onFront: boolean;
  /** Why no one should pick this point (`pointFlaws`): shown marked, never on the front, no Apply or Shrink. */
  flaws: PointFlaw[];
}

/** A trial that ended without points: failed, or stopped before its end. */
export interface SweepFailedTrial {
  trial: string;
  settings: Record<string, SweepValue>;
  /** "failed: <its one line>", "stopped after 3 epochs: resumes on the next run of the sweep". */
  reason: string;
}

/**
 * A published result of the swept model (sweep.json's `anchors`): a diamond on the chart in the metric's unit,
 * never joined, never on the front, not in the points table.
 */
export interface SweepPageAnchor extends SweepAnchor {
  /** What `sizes` count, in order (`inputs-fc1-fc2`). */
  sizesAre: string;
  metric: Metric;
  /** Its error as the metric (accuracy 1 − error): what `metricAxis` plots, as it plots a point's. */
  afterPrune: number;
}

export interface SweepView {
  points: SweepPagePoint[];
  /** The front's points, by parameters ascending: the line the chart joins. */
  front: SweepPagePoint[];
  /** The points that are broken (`flaws` not empty). */
  broken: SweepPagePoint[];
  failed: SweepFailedTrial[];
  /** Which set chose the front (`frontSet`), and that in a sentence (`frontSetText`): under the table. */
  frontSet: FrontSet;
  frontSetText: string;
  /** The swept model's published results; empty for a model without any. */
  anchors: SweepPageAnchor[];
  /** The line under the chart naming them and what their errors are; '' without any. */
  anchorsText: string;
  /** "4 points · 2 on the front · 1 broken · 2 of 2 trials done". */
  status: string;
}

const pointKey = (trial: string, threshold: number): string => `${trial}@${threshold}`;

export function sweepView(sweep: SweepFile | null): SweepView {
  if (!sweep)
    return {
      points: [],
      front: [],
      broken: [],
      failed: [],
      frontSet: 'test',
      frontSetText: '',
      anchors: [],
      anchorsText: '',
      status: 'waiting for the sweep’s first results…',
    };
  // The front by the one rule (protocol's `sweepFront`), not sweep.json's own: a sweep written before broken
  // points were left out is judged the same way.
  const onFront = new Set(sweepFront(sweep.trials).map((f) => pointKey(f.trial, f.threshold)));
  const points = sweep.trials.flatMap((t) =>
    t.status === 'done'
      ? (t.result?.points ?? []).map((p): SweepPagePoint => ({
          trial: t.id,
          threshold: p.threshold,
          label: [...Object.entries(t.settings).map(([k, v]) => `${k} ${v}`), `threshold ${p.threshold}`].join(' · '),
          settings: t.settings,
          params: p.params,
          error: p.error,
          metric: p.metric,
          afterPrune: p.afterPrune,
          beforePrune: p.beforePrune,
          validationMetric: p.validationMetric,
          onFront: onFront.has(pointKey(t.id, p.threshold)),
          flaws: pointFlaws(p),
        }))
      : [],
  );
  const front = points.filter((p) => p.onFront).sort((a, b) => a.params - b.params || a.error - b.error);
  const broken = points.filter((p) => p.flaws.length);
  const failed = sweep.trials.flatMap((t): SweepFailedTrial[] => {
    if (t.status === 'error') return [{ trial: t.id, settings: t.settings, reason: `failed: ${t.result?.message ?? 'no reason recorded'}` }];
    if (t.status === 'stopped') {
      const epochs = t.result?.epochsCompleted;
      return [
        {
          trial: t.id,
          settings: t.settings,
          reason: `stopped${epochs === undefined ? '' : ` after ${epochs} epoch${epochs === 1 ? '' : 's'}`}: it resumes on the next run of the sweep`,
        },
      ];
    }
    return [];
  });
  const done = sweep.trials.filter((t) => t.status === 'done').length;
  const running = sweep.trials.filter((t) => t.status === 'running').length;
  const errors = sweep.trials.filter((t) => t.status === 'error').length;
  const status = [
    `${points.length} point${points.length === 1 ? '' : 's'}`,
    `${front.length} on the front`,
    ...(broken.length ? [`${broken.length} broken`] : []),
    `${done} of ${sweep.trials.length} trials done`,
    ...(running ? [`${running} training`] : []),
    ...(errors ? [`${errors} failed`] : []),
  ].join(' · ');
  const frontText = points.length ? frontSetText(sweep.trials) : '';
  // The anchored models are classifiers: their errors are accuracy's until a point says otherwise.
  const metric = points[0]?.metric ?? 'accuracy';
  const published = sweep.anchors;
  const anchors = (published?.points ?? []).map((a): SweepPageAnchor => ({
    ...a,
    sizesAre: published!.sizesAre,
    metric,
    afterPrune: errorMetric(metric, a.error),
  }));
  const anchorsText =
    published && anchors.length
      ? `◆ published results for ${published.model}: ${anchors.map((a) => `${a.label} (${formatMetric(metric, a.afterPrune)})`).join(', ')}; their errors are ${published.note}`
      : '';
  return { points, front, broken, failed, frontSet: frontSet(sweep.trials), frontSetText: frontText, anchors, anchorsText, status };
}

/** A published result's lines in the chart's tooltip: what it is, its sizes, its size and its metric, and what that metric is. */
export function anchorLines(a: SweepPageAnchor): string[] {
  return [
    `◆ ${a.label}${a.target ? ' (a target)' : ''}`,
    a.method,
    `kept ${a.sizesAre}: ${a.sizes.join('-')}`,
    `${formatCount(a.params)} parameters`,
    `${a.metric} ${formatMetric(a.metric, a.afterPrune)}, published: the best seen during training`,
  ];
}

/** The trial's swept settings: `dropneuron 0.05 · learning_rate 0.001`. */
export function trialText(p: Pick<SweepPagePoint, 'settings' | 'trial'>): string {
  return (
    Object.entries(p.settings)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ') || p.trial
  );
}

/**
 * A point's lines in the tooltip and the table: its settings, its size, its metric after pruning in the table's
 * unit (accuracy in %, as the chart's axis), and why it is broken.
 */
export function pointLines(p: SweepPagePoint): string[] {
  const before = p.beforePrune === undefined ? '' : ` (${formatMetric(p.metric, p.beforePrune)} before)`;
  return [
    p.label,
    `${formatCount(p.params)} parameters kept`,
    // "test" said only beside a validation line: without one, the table's paragraph says the metric is the test set's.
    `${p.validationMetric === undefined ? '' : 'test '}${p.metric} ${formatMetric(p.metric, p.afterPrune)} after pruning${before}`,
    ...(p.validationMetric === undefined ? [] : [`validation ${p.metric} ${formatMetric(p.metric, p.validationMetric)} after pruning`]),
    ...p.flaws.map((f) => `⚠ ${f.reason}`),
  ];
}

/**
 * The chart's vertical axis: the quantity and unit of the table's metric column. Accuracy in % (the value × 100, so
 * that 84 on the axis is the table's 84.00 %), NMSE and MSE as they are, on a log scale (they span decades).
 */
export interface MetricAxis {
  title: string;
  type: 'linear' | 'logarithmic';
  value: (p: Pick<SweepPagePoint, 'afterPrune'>) => number;
  tick: (v: number) => string;
}

export function metricAxis(metric: Metric): MetricAxis {
  if (metric === 'accuracy') return { title: 'test accuracy after pruning (%)', type: 'linear', value: (p) => 100 * p.afterPrune, tick: (v) => `${v} %` };
  return {
    title: `test ${metric.toUpperCase()} after pruning (log scale)`,
    type: 'logarithmic',
    value: (p) => p.afterPrune,
    tick: (v) => (isRoundTick(v) ? v.toExponential(0) : ''),
  };
}

/**
 * A label of the parameters axis (log, from `min` to `max`): 1, 2 and 5 × a power of ten, grouped ("20,000"),
 * or only the powers of ten when the axis spans more than two decades; '' for the ticks between, which Chart.js
 * draws unlabelled. Nine labels a decade would overlap on a panel's width.
 */
export function paramsTick(v: number, min: number, max: number): string {
  if (!isRoundTick(v)) return '';
  const wide = Math.log10(max / Math.max(min, 1e-12)) > 2;
  return !wide || Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? formatCount(v) : '';
}
