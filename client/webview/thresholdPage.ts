/**
 * Draws the run panel's threshold section from its view (thresholdModel.ts): the curve of test error and kept
 * parameters against threshold, the run's threshold and the slider's marked on it, and the numbers at the slider.
 */
import type { ChartDataset } from 'chart.js';
import { formatCompression, formatCount, formatMetric, formatPoints } from '../../protocol/present.ts';
import { axis, baseOptions, draw, theme } from './charts.ts';
import { reading, SLIDER_STEPS, type ThresholdView } from './thresholdModel.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The error the chart plots: accuracy's complement in %, NMSE/MSE as they are. */
const errorOf = (view: ThresholdView, afterPrune: number): number => (view.curve.metric === 'accuracy' ? 100 * (1 - afterPrune) : afterPrune);

export function renderThreshold(view: ThresholdView | undefined): void {
  const box = $('threshold-box');
  box.hidden = !view || view.curve.points.length === 0;
  if (!view || box.hidden) return;
  const slider = $<HTMLInputElement>('threshold-slider');
  slider.max = String(SLIDER_STEPS);
  // Not while the user drags: setting the value under the pointer would fight the drag.
  if (document.activeElement !== slider) slider.value = String(view.position);
  const r = reading(view);
  if (!r) return;
  $('threshold-value').textContent = String(r.threshold);
  const metric = view.curve.metric;
  const verdict = $('threshold-verdict');
  verdict.classList.toggle('bad', r.exceeded);
  verdict.textContent =
    `Test ${metric} ${formatMetric(metric, view.curve.beforePrune)} → ${formatMetric(metric, r.point.afterPrune)} after pruning` +
    ` · ${formatCount(r.point.weightsKept)} weights kept · compact model ${formatCount(r.point.compactParams)} parameters (${formatCompression(r.point.compression)})` +
    (r.exceeded ? ` · costs ${formatPoints(r.cost)}, over the tolerance of ${view.tolerance}` : '');
  $('threshold-source').textContent =
    view.pending !== undefined
      ? `Measuring the run pruned at ${view.pending}…`
      : view.error
        ? `Could not measure it: ${view.error}`
        : r.source === 'exact'
          ? `Measured at ${r.threshold} (dropneuron prune).`
          : `From the run’s threshold curve at ${r.point.threshold}; release the slider between points to measure exactly.`;
  $('threshold-layers').replaceChildren(
    row('th', ['layer', 'neurons kept']),
    ...Object.entries(r.point.kept).map(([name, kept]) => {
      const tr = row('td', [name, formatCount(kept)]);
      tr.dataset.layer = name;
      return tr;
    }),
  );
  drawCurve(view, r.threshold);
}

function row(cell: 'th' | 'td', cells: string[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const e = document.createElement(cell);
    e.textContent = c;
    tr.append(e);
  }
  return tr;
}

/** A vertical line at `x` from 0 to `top`, on the left axis. */
function marker(label: string, x: number, top: number, color: string, dash: number[]): Record<string, unknown> {
  return {
    type: 'line',
    label,
    data: [
      { x, y: 0 },
      { x, y: top },
    ],
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    borderDash: dash,
    pointRadius: 0,
    yAxisID: 'y',
  };
}

function drawCurve(view: ThresholdView, selected: number): void {
  const t = theme();
  const [blue, orange] = t.palette;
  const points = view.curve.points.filter((p) => p.threshold > 0);
  const errors = points.map((p) => ({ x: p.threshold, y: errorOf(view, p.afterPrune) }));
  const top = Math.max(1, ...errors.map((e) => e.y));
  const accuracy = view.curve.metric === 'accuracy';
  const datasets: Record<string, unknown>[] = [
    {
      type: 'line',
      label: accuracy ? 'test error (%)' : `test ${view.curve.metric}`,
      data: errors,
      borderColor: blue,
      backgroundColor: blue,
      borderWidth: 2,
      pointRadius: 2,
      yAxisID: 'y',
    },
    {
      type: 'line',
      label: 'compact parameters',
      data: points.map((p) => ({ x: p.threshold, y: p.compactParams })),
      borderColor: orange,
      backgroundColor: orange,
      borderWidth: 2,
      borderDash: [5, 4],
      pointRadius: 2,
      yAxisID: 'y1',
    },
  ];
  if (view.curve.threshold > 0) datasets.push(marker(`run’s threshold ${view.curve.threshold}`, view.curve.threshold, top, t.muted, [2, 3]));
  datasets.push(marker(`slider ${selected}`, selected, top, t.danger, [6, 3]));
  $('threshold-caption').textContent = `Test ${accuracy ? 'error' : view.curve.metric} and kept parameters by threshold (${points.length} points)`;
  draw(
    'chart-threshold',
    {
      type: 'line',
      data: { datasets: datasets as unknown as ChartDataset<'line'>[] },
      options: {
        ...baseOptions(t, {
          x: axis(t, 'threshold (log scale)', { type: 'logarithmic' }),
          y: axis(t, accuracy ? 'test error (%)' : view.curve.metric, { type: 'linear', position: 'left', min: 0, ticks: { color: blue } }),
          y1: axis(t, 'compact parameters', {
            type: 'linear',
            position: 'right',
            min: 0,
            grid: { drawOnChartArea: false, color: t.grid },
            ticks: { color: orange },
          }),
        }),
        interaction: { mode: 'nearest', intersect: false },
      },
    },
    t,
  );
}
