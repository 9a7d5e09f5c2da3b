/** The sweep panel's points, as a pure function of sweep.json: what the scatter and the table show. */
import type { Metric } from '../../protocol/events.ts';
import { formatCount, formatMetric } from '../../protocol/present.ts';
import type { SweepFile, SweepValue } from '../../protocol/sweep.ts';

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
  onFront: boolean;
}

export interface SweepView {
  points: SweepPagePoint[];
  /** The front's points, by parameters ascending: the line the chart joins. */
  front: SweepPagePoint[];
  /** "4 points · 2 on the front · 2 of 2 trials done". */
  status: string;
}

export function sweepView(sweep: SweepFile | null): SweepView {
  if (!sweep) return { points: [], front: [], status: 'waiting for the sweep’s first results…' };
  const onFront = new Set(sweep.front.map((f) => `${f.trial}@${f.threshold}`));
  const points = sweep.trials.flatMap((t) =>
    t.status === 'done'
      ? (t.result?.points ?? []).map((p) => ({
          trial: t.id,
          threshold: p.threshold,
          label: [...Object.entries(t.settings).map(([k, v]) => `${k} ${v}`), `threshold ${p.threshold}`].join(' · '),
          settings: t.settings,
          params: p.params,
          error: p.error,
          metric: p.metric,
          afterPrune: p.afterPrune,
          onFront: onFront.has(`${t.id}@${p.threshold}`),
        }))
      : [],
  );
  const front = points.filter((p) => p.onFront).sort((a, b) => a.params - b.params || a.error - b.error);
  const done = sweep.trials.filter((t) => t.status === 'done').length;
  const running = sweep.trials.filter((t) => t.status === 'running').length;
  const failed = sweep.trials.filter((t) => t.status === 'error').length;
  const status = [
    `${points.length} point${points.length === 1 ? '' : 's'}`,
    `${front.length} on the front`,
    `${done} of ${sweep.trials.length} trials done`,
    ...(running ? [`${running} training`] : []),
    ...(failed ? [`${failed} failed`] : []),
  ].join(' · ');
  return { points, front, status };
}

/** The trial's swept settings: `dropneuron 0.05 · learning_rate 0.001`. */
export function trialText(p: Pick<SweepPagePoint, 'settings' | 'trial'>): string {
  return (
    Object.entries(p.settings)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ') || p.trial
  );
}

/** A point's lines in the tooltip and the table: its settings, its size and its metric after pruning. */
export function pointLines(p: SweepPagePoint): string[] {
  return [
    p.label,
    `${formatCount(p.params)} parameters kept`,
    `${p.metric} ${formatMetric(p.metric, p.afterPrune)} after pruning (error ${p.error.toPrecision(3)})`,
  ];
}
