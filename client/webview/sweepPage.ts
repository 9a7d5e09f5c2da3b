/**
 * The sweep panel's page (its own bundle, media/sweep.js): a scatter of every measured point (kept parameters,
 * log, against test error), the Pareto front highlighted and joined, and a table of the points with what each
 * can do. Hover shows a point's settings; a click opens its trial's run. sweep.json is re-sent by the host as
 * trials finish; the last one is kept in the webview state, so the page survives hide/show without the host.
 */
import { Chart, ScatterController, type ChartConfiguration, type ChartTypeRegistry, type TooltipItem } from 'chart.js';
import { axis, baseOptions, draw, onThemeChange, theme } from './charts.ts';
import { isToSweepPage, type FromSweepPage, type ToSweepPage } from './sweepMessages.ts';
import { formatCount, formatMetric } from '../../protocol/present.ts';
import { pointLines, sweepView, trialText, type SweepPagePoint } from './sweepModel.ts';

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
  drawChart(view.points, view.front);
  renderTable(view.points);
}

function drawChart(points: SweepPagePoint[], front: SweepPagePoint[]): void {
  const t = theme();
  const xy = (p: SweepPagePoint): { x: number; y: number } => ({ x: Math.max(1, p.params), y: p.error });
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
      data: points.filter((p) => !p.onFront).map(xy),
      borderColor: t.palette[0],
      backgroundColor: t.palette[0],
      pointRadius: 4,
      pointHoverRadius: 6,
    },
  ];
  const byDataset = [front, points.filter((p) => !p.onFront)];
  const options = baseOptions(t, {
    x: axis(t, 'Parameters kept (log)', { type: 'logarithmic' }),
    y: axis(t, 'Test error after pruning', { type: 'linear' }),
  })!;
  options.interaction = { mode: 'nearest', intersect: true };
  options.plugins = {
    ...options.plugins,
    tooltip: {
      callbacks: {
        label: (item: TooltipItem<keyof ChartTypeRegistry>) => {
          const p = byDataset[item.datasetIndex]?.[item.dataIndex];
          return p ? pointLines(p) : '';
        },
      },
    },
  };
  options.onClick = (_event, elements) => {
    const hit = elements[0];
    const p = hit ? byDataset[hit.datasetIndex]?.[hit.index] : undefined;
    if (p) vscode.postMessage({ type: 'open', trial: p.trial });
  };
  draw('chart-sweep', { type: 'scatter', data: { datasets }, options } as ChartConfiguration, t);
}

function button(text: string, title: string, message: FromSweepPage, secondary = true): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = text;
  b.title = title;
  if (secondary) b.className = 'secondary';
  b.addEventListener('click', () => vscode.postMessage(message));
  return b;
}

function renderTable(points: SweepPagePoint[]): void {
  const table = $('points');
  table.replaceChildren();
  const metric = points[0]?.metric ?? 'accuracy';
  const head = table.appendChild(document.createElement('tr'));
  for (const h of ['Trial', 'Threshold', 'Parameters', metric === 'accuracy' ? 'Accuracy' : metric.toUpperCase(), ''])
    head.appendChild(document.createElement('th')).textContent = h;
  for (const p of [...points].sort((a, b) => a.params - b.params || a.error - b.error)) {
    const row = table.appendChild(document.createElement('tr'));
    row.className = p.onFront ? 'point front' : 'point';
    row.dataset.trial = p.trial;
    row.dataset.threshold = String(p.threshold);
    // The whole description on hover, as the chart's tooltip says it.
    row.title = pointLines(p).join('\n');
    const trial = row.appendChild(document.createElement('td'));
    trial.className = 'trial';
    trial.textContent = `${p.onFront ? '★ ' : ''}${trialText(p)}`;
    for (const text of [String(p.threshold), formatCount(p.params), formatMetric(p.metric, p.afterPrune)])
      row.appendChild(document.createElement('td')).textContent = text;
    const actions = row.appendChild(document.createElement('td'));
    actions.className = 'point-actions';
    actions.append(
      button('Apply', 'Apply this point: its settings written into the spec (undoable)', { type: 'apply', trial: p.trial, threshold: p.threshold }, false),
      button('Shrink', 'Shrink to this point: every layer set to its size here (undoable)', { type: 'shrink', trial: p.trial, threshold: p.threshold }),
      button('Open run', 'Show this trial’s run', { type: 'open', trial: p.trial }),
    );
  }
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
