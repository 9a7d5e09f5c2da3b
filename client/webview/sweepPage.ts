/**
 * The sweep panel's page (its own bundle, media/sweep.js): a scatter of every measured point (kept parameters,
 * log, against the test metric after pruning in the table's unit), the Pareto front highlighted and joined, broken
 * points marked, and a table of the points with what each can do. Hover shows a point's settings; a click opens
 * its trial's run. sweep.json is re-sent by the host as trials finish; the last one is kept in the webview state
 * (with the spec swept), so the page survives hide/show, and Reload Window restores it (SweepPanel.register).
 */
import { Chart, ScatterController, type ChartConfiguration, type ChartTypeRegistry, type TooltipItem } from 'chart.js';
import { axis, baseOptions, draw, onThemeChange, theme } from './charts.ts';
import { isToSweepPage, type FromSweepPage, type ToSweepPage } from './sweepMessages.ts';
import { formatCount, formatMetric } from '../../protocol/present.ts';
import {
  anchorLines,
  metricAxis,
  paramsTick,
  pointLines,
  sweepView,
  trialText,
  type SweepPageAnchor,
  type SweepPagePoint,
  type SweepView,
} from './sweepModel.ts';

Chart.register(ScatterController);

interface VsCodeApi {
  postMessage(message: FromSweepPage): void;
  getState(): ToSweepPage | undefined;
  setState(state: ToSweepPage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const $ = (id: string): HTMLElement => document.getElementById(id)!;
let shown: ToSweepPage | undefined = vscode.getState();

function render(): void {
  const view = sweepView(shown?.sweep ?? null);
  $('title').textContent = `Sweep: ${shown?.model ?? ''}`;
  $('status').textContent = view.status;
  document.body.dataset.points = String(view.points.length);
  document.body.dataset.front = String(view.front.length);
  document.body.dataset.broken = String(view.broken.length);
  document.body.dataset.frontSet = view.frontSet;
  document.body.dataset.anchors = String(view.anchors.length);
  $('chart-anchors').textContent = view.anchorsText;
  // Which set chose ★, after the paragraph's "The metric is the test set's after pruning": said, never implied.
  $('front-set').textContent = view.frontSetText ? `${view.frontSetText[0]!.toUpperCase()}${view.frontSetText.slice(1)}.` : '';
  drawChart(view);
  renderTable(view);
}

function drawChart({ points, front, broken, anchors }: SweepView): void {
  const t = theme();
  const y = metricAxis(points[0]?.metric ?? 'accuracy');
  const xy = (p: Pick<SweepPagePoint, 'params' | 'afterPrune'>): { x: number; y: number } => ({ x: Math.max(1, p.params), y: y.value(p) });
  const others = points.filter((p) => !p.onFront && !p.flaws.length);
  const warning = t.danger;
  const datasets = [
    {
      label: 'Pareto front',
      data: front.map(xy),
      showLine: true,
      borderColor: t.palette[1],
      backgroundColor: t.palette[1],
      pointRadius: 6,
      pointHoverRadius: 8,
      borderWidth: 2,
    },
    {
      label: 'Trials',
      data: others.map(xy),
      borderColor: t.palette[0],
      backgroundColor: t.palette[0],
      pointRadius: 4,
      pointHoverRadius: 6,
    },
    {
      // Shown, so that the sweep's whole story is on the chart, but as crosses and never joined to the front.
      label: 'Broken (at chance, emptied or over tolerance)',
      data: broken.map(xy),
      borderColor: warning,
      backgroundColor: warning,
      pointStyle: 'crossRot',
      pointRadius: 7,
      pointHoverRadius: 9,
      borderWidth: 2,
    },
    {
      // The swept model's published results: hollow diamonds, never joined. The last dataset is drawn first, so
      // the sweep's own points stay on top where they meet.
      label: 'Published (best test error during training)',
      data: anchors.map(xy),
      borderColor: t.palette[3],
      backgroundColor: 'transparent',
      pointStyle: 'rectRot',
      pointRadius: 7,
      pointHoverRadius: 9,
      borderWidth: 2,
    },
  ];
  // Each dataset's items, for the tooltip and a click; a category without any has no legend entry (a clean
  // sweep's chart does not announce an empty category, nor another model's the published results it lacks).
  const groups: { dataset: (typeof datasets)[number]; items: readonly (SweepPagePoint | SweepPageAnchor)[]; always?: boolean }[] = [
    { dataset: datasets[0]!, items: front, always: true },
    { dataset: datasets[1]!, items: others, always: true },
    { dataset: datasets[2]!, items: broken },
    { dataset: datasets[3]!, items: anchors },
  ].filter((g) => g.always || g.items.length);
  const byDataset = groups.map((g) => g.items);
  const isPoint = (p: SweepPagePoint | SweepPageAnchor): p is SweepPagePoint => 'trial' in p;
  const options = baseOptions(t, {
    x: axis(t, 'parameters kept (log scale)', {
      type: 'logarithmic',
      // Only the round values are labelled (paramsTick), flat: labels that do not fit are skipped, never overlapped.
      ticks: {
        color: t.foreground,
        maxRotation: 0,
        autoSkip: true,
        autoSkipPadding: 12,
        callback: (v: number | string, _i: number, ticks: { value: number }[]) =>
          paramsTick(Number(v), ticks[0]?.value ?? Number(v), ticks.at(-1)?.value ?? Number(v)),
      },
    }),
    y: axis(t, y.title, { type: y.type, ticks: { color: t.foreground, callback: (v: number | string) => y.tick(Number(v)) } }),
  })!;
  options.interaction = { mode: 'nearest', intersect: true };
  options.plugins = {
    ...options.plugins,
    tooltip: {
      callbacks: {
        label: (item: TooltipItem<keyof ChartTypeRegistry>) => {
          const p = byDataset[item.datasetIndex]?.[item.dataIndex];
          return !p ? '' : isPoint(p) ? pointLines(p) : anchorLines(p);
        },
      },
    },
  };
  options.onClick = (_event, elements) => {
    const hit = elements[0];
    const p = hit ? byDataset[hit.datasetIndex]?.[hit.index] : undefined;
    // A published result has no run to open.
    if (p && isPoint(p)) vscode.postMessage({ type: 'open', trial: p.trial });
  };
  const chart = draw('chart-sweep', { type: 'scatter', data: { datasets: groups.map((g) => g.dataset) }, options } as ChartConfiguration, t);
  // What the axes say, on the canvas for whoever cannot read its pixels (a screen reader, the e2e suite): the
  // vertical axis's quantity and unit, and the parameter labels Chart.js kept.
  $('chart-caption').textContent =
    `${y.title[0]!.toUpperCase()}${y.title.slice(1)} against parameters kept: each trial at each threshold; the front joined; broken points crossed${anchors.length ? '; published results as diamonds' : ''}`;
  const canvas = $('chart-sweep');
  canvas.setAttribute('aria-label', `${y.title} against parameters kept (log scale)`);
  canvas.dataset.yTitle = y.title;
  canvas.dataset.xLabels = (chart.scales['x']?.ticks ?? [])
    .map((tick) => String(tick.label ?? ''))
    .filter(Boolean)
    .join('|');
}

function button(text: string, title: string, message: FromSweepPage, secondary = true): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = text;
  b.title = title;
  if (secondary) b.className = 'secondary';
  b.addEventListener('click', () => vscode.postMessage(message));
  return b;
}

function renderTable({ points, failed }: SweepView): void {
  const table = $('points');
  table.replaceChildren();
  const metric = points[0]?.metric ?? 'accuracy';
  const name = metric === 'accuracy' ? 'accuracy' : metric.toUpperCase();
  // The validation column only when a run held rows out: the set the front is then chosen on, beside the test set's.
  const validation = points.some((p) => p.validationMetric !== undefined);
  const head = table.appendChild(document.createElement('tr'));
  const headings = [
    'Trial',
    'Threshold',
    'Parameters',
    ...(validation ? [`Validation ${name}`] : []),
    validation ? `Test ${name}` : name[0]!.toUpperCase() + name.slice(1),
    '',
  ];
  for (const h of headings) head.appendChild(document.createElement('th')).textContent = h;
  for (const p of [...points].sort((a, b) => a.params - b.params || a.error - b.error)) {
    const row = table.appendChild(document.createElement('tr'));
    const broken = p.flaws.length > 0;
    row.className = ['point', ...(p.onFront ? ['front'] : []), ...(broken ? ['broken'] : [])].join(' ');
    row.dataset.trial = p.trial;
    row.dataset.threshold = String(p.threshold);
    // The whole description on hover, as the chart's tooltip says it.
    row.title = pointLines(p).join('\n');
    const trial = row.appendChild(document.createElement('td'));
    trial.className = 'trial';
    trial.textContent = `${p.onFront ? '★ ' : broken ? '⚠ ' : ''}${trialText(p)}`;
    const measured = validation ? [p.validationMetric === undefined ? '—' : formatMetric(p.metric, p.validationMetric)] : [];
    for (const text of [String(p.threshold), formatCount(p.params), ...measured, formatMetric(p.metric, p.afterPrune)])
      row.appendChild(document.createElement('td')).textContent = text;
    const actions = row.appendChild(document.createElement('td'));
    actions.className = 'point-actions';
    // A broken point is not offered to Apply or Shrink: both would write a model known not to work into the spec.
    // Its run stays one click away, to see what happened.
    if (!broken)
      actions.append(
        button('Apply', 'Apply this point: its settings written into the spec (undoable)', { type: 'apply', trial: p.trial, threshold: p.threshold }, false),
        button('Shrink', 'Shrink to this point: every layer set to its size here (undoable)', { type: 'shrink', trial: p.trial, threshold: p.threshold }),
      );
    actions.append(button('Open run', 'Show this trial’s run', { type: 'open', trial: p.trial }));
    // Why, in plain words, under the row and across the table: a broken point must not read as a result.
    if (broken)
      flawRow(
        table,
        p.trial,
        p.threshold,
        p.flaws.map((f) => `${f.tag}: ${f.reason}.`),
        headings.length,
      );
  }
  for (const f of failed) {
    const row = table.appendChild(document.createElement('tr'));
    row.className = 'trial-failed';
    row.dataset.trial = f.trial;
    const trial = row.appendChild(document.createElement('td'));
    trial.className = 'trial';
    trial.textContent = `✕ ${trialText(f)}`;
    for (let i = 0; i < headings.length - 2; i++) row.appendChild(document.createElement('td')).textContent = '—';
    const actions = row.appendChild(document.createElement('td'));
    actions.className = 'point-actions';
    actions.append(button('Open run', 'Show this trial’s run', { type: 'open', trial: f.trial }));
    flawRow(table, f.trial, undefined, [`${f.reason}.`], headings.length);
  }
}

/** The reasons a point is broken (or a trial failed), one line each, in a row of their own under the point's. */
function flawRow(table: HTMLElement, trial: string, threshold: number | undefined, lines: string[], columns: number): void {
  const row = table.appendChild(document.createElement('tr'));
  row.className = 'flaw';
  row.dataset.trial = trial;
  if (threshold !== undefined) row.dataset.threshold = String(threshold);
  const cell = row.appendChild(document.createElement('td'));
  cell.colSpan = columns;
  for (const line of lines) cell.appendChild(document.createElement('div')).textContent = line;
}

window.addEventListener('message', (e: MessageEvent) => {
  const message: unknown = e.data;
  if (!isToSweepPage(message)) return; // only the typed union is accepted
  shown = message;
  vscode.setState(message);
  render();
});
onThemeChange(render);
render();
vscode.postMessage({ type: 'ready' });
