/**
 * The stats panel's script (runs inside the webview, bundled with Chart.js by scripts/build.mjs). It renders
 * the view model from viewModel.ts; its state (the run's events) survives hide/show and reloads through
 * the webview state API, so the panel needs no retainContextWhenHidden.
 */
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip, type ChartDataset } from 'chart.js';
import type { TrainerEvent } from '../../protocol/events.ts';
import { isToWebview, type FromWebview } from './messages.ts';
import { formatCompression, formatMetric, formatOverrides, formatPercent } from '../../protocol/present.ts';
import { initialState, reduce, replay, type StatsState } from './viewModel.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Legend, Tooltip);

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): Persisted | undefined;
  setState(state: Persisted): void;
}
interface Persisted {
  runId: string;
  title: string;
  events: TrainerEvent[];
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
let persisted: Persisted = vscode.getState() ?? { runId: '', title: 'DropNeuron', events: [] };
let state: StatsState = replay(persisted.events, persisted.title);
const charts = new Map<string, Chart>();

function css(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function palette(): string[] {
  return [
    css('--vscode-charts-blue', '#3794ff'),
    css('--vscode-charts-orange', '#d18616'),
    css('--vscode-charts-green', '#89d185'),
    css('--vscode-charts-purple', '#b180d7'),
    css('--vscode-charts-red', '#f14c4c'),
    css('--vscode-charts-yellow', '#cca700'),
  ];
}

function lineChart(id: string, datasets: ChartDataset<'line'>[], labels: number[], yTitle: string, logY = false): void {
  const foreground = css('--vscode-foreground', '#ccc');
  const grid = css('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const existing = charts.get(id);
  const type = logY ? 'logarithmic' : 'linear';
  if (existing && existing.options.scales?.y?.type === type) {
    existing.data.labels = labels;
    existing.data.datasets = datasets;
    existing.update('none');
    return;
  }
  // The metric (and so the scale type) is known only once a run starts; Chart.js wants a new chart for it.
  existing?.destroy();
  const canvas = $<HTMLCanvasElement>(id);
  charts.set(
    id,
    new Chart(canvas, {
      type: 'line',
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { labels: { color: foreground, boxWidth: 12 } } },
        scales: {
          x: { title: { display: true, text: 'epoch', color: foreground }, ticks: { color: foreground }, grid: { color: grid } },
          y: { type, title: { display: true, text: yTitle, color: foreground }, ticks: { color: foreground }, grid: { color: grid } },
        },
      },
    }),
  );
}

function series(label: string, data: number[], color: string, dashed = false): ChartDataset<'line'> {
  return { label, data, borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: data.length > 30 ? 0 : 2, borderDash: dashed ? [5, 4] : [] };
}

function render(): void {
  const s = state;
  $('title').textContent = s.model ? `DropNeuron · ${s.model}` : s.title;
  const status = $('status');
  status.dataset.status = s.status;
  const last = s.rows[s.rows.length - 1];
  status.textContent =
    s.status === 'waiting'
      ? 'waiting for a run…'
      : s.status === 'running'
        ? `epoch ${last?.epoch ?? 0}/${s.epochs ?? '?'}${last?.phase === 'finetune' ? ' · fine-tuning the pruned network' : ''} · running on ${s.backend ?? '…'}`
        : s.status === 'error'
          ? 'failed'
          : `${s.status} after ${last?.epoch ?? 0} epoch${last?.epoch === 1 ? '' : 's'}${s.backend ? ` on ${s.backend}` : ''}`;
  $('stop').hidden = s.status !== 'running';
  const overrides = formatOverrides(s.overrides, ' · ');
  $('overrides').hidden = !overrides;
  $('overrides').textContent = `Overriding the spec for this run: ${overrides}`;
  const error = $('error');
  error.hidden = !s.error;
  error.textContent = s.error ?? '';

  const cards: [string, string, string][] = [];
  if (last) {
    cards.push(['test', formatMetric(s.metric, last.testMetric), `test ${s.metric ?? ''} (pruned weights)`]);
    cards.push(['density', formatPercent(last.density), 'weights kept']);
    cards.push(['compression', formatCompression(last.compression), 'compression']);
  }
  if (s.inputs) cards.push(['inputs', `${s.inputs.kept}/${s.inputs.total}`, 'inputs still read']);
  $('overview').replaceChildren(
    ...cards.map(([id, value, label]) => {
      const card = document.createElement('div');
      card.className = 'card';
      card.dataset.card = id;
      const v = document.createElement('div');
      v.className = 'value';
      v.textContent = value;
      const l = document.createElement('div');
      l.className = 'label';
      l.textContent = label;
      card.append(v, l);
      return card;
    }),
  );

  const colors = palette();
  const epochs = s.rows.map((r) => r.epoch);
  lineChart(
    'chart-loss',
    [
      series(
        'data loss',
        s.rows.map((r) => r.dataLoss),
        colors[0]!,
      ),
      series(
        'penalty',
        s.rows.map((r) => r.penalty),
        colors[1]!,
        true,
      ),
    ],
    epochs,
    'loss',
  );
  $('metric-caption').textContent = `${s.metric === 'accuracy' ? 'Accuracy' : (s.metric ?? 'metric').toUpperCase()} per epoch`;
  const scale = s.metric === 'accuracy' ? 100 : 1;
  lineChart(
    'chart-metric',
    [
      series(
        'train',
        s.rows.map((r) => r.trainMetric * scale),
        colors[0]!,
      ),
      series(
        'test (pruned)',
        s.rows.map((r) => r.testMetric * scale),
        colors[2]!,
      ),
    ],
    epochs,
    s.metric === 'accuracy' ? '%' : (s.metric ?? ''),
    s.metric !== 'accuracy',
  );
  lineChart(
    'chart-density',
    [
      series(
        'density %',
        s.rows.map((r) => 100 * r.density),
        colors[3]!,
      ),
      series(
        'compression ×',
        s.rows.map((r) => r.compression),
        colors[1]!,
        true,
      ),
    ],
    epochs,
    '% / ×',
  );
  const names = s.layers.map((l) => l.name);
  lineChart(
    'chart-neurons',
    names.map((n, i) =>
      series(
        n,
        s.rows.map((r) => r.kept[n] ?? 0),
        colors[i % colors.length]!,
      ),
    ),
    epochs,
    'neurons',
  );

  $('layers').replaceChildren(
    ...s.layers.map((l) => {
      const row = document.createElement('div');
      row.className = 'layer';
      row.dataset.layer = l.name;
      const label = document.createElement('div');
      label.className = 'layer-label';
      label.textContent = `${l.name} ${l.total} → ${l.kept}`;
      const bar = document.createElement('div');
      bar.className = 'bar';
      const kept = document.createElement('div');
      kept.className = 'kept';
      kept.style.width = `${l.total ? (100 * l.kept) / l.total : 0}%`;
      bar.append(kept);
      const numbers = document.createElement('div');
      numbers.className = 'layer-numbers';
      numbers.textContent = `${formatPercent(l.total ? l.kept / l.total : 0, 1)} of neurons · density ${formatPercent(l.density, 1)}`;
      row.append(label, bar, numbers);
      return row;
    }),
  );

  drawMask(s);
  drawSummary(s);
}

function drawMask(s: StatsState): void {
  const box = $('mask-box');
  box.hidden = !s.mask;
  if (!s.mask) return;
  const [h, w] = s.mask.shape;
  const canvas = $<HTMLCanvasElement>('mask');
  canvas.width = w;
  canvas.height = h;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(w, h);
  const on = css('--vscode-charts-blue', '#3794ff');
  const rgb = /^#([0-9a-f]{6})$/i.test(on) ? [1, 3, 5].map((i) => parseInt(on.slice(i, i + 2), 16)) : [55, 148, 255];
  for (let i = 0; i < h * w; i++) {
    const kept = s.mask.bits[i] === '1';
    image.data.set(kept ? [rgb[0]!, rgb[1]!, rgb[2]!, 255] : [128, 128, 128, 40], i * 4);
  }
  context.putImageData(image, 0, 0);
  const kept = [...s.mask.bits].filter((b) => b === '1').length;
  $('mask-caption').textContent = `${kept} of ${h * w} pixels still feed the network`;
}

function drawSummary(s: StatsState): void {
  const box = $('summary-box');
  box.hidden = !s.summary;
  if (!s.summary) return;
  const sum = s.summary;
  const rows: string[][] = [['layer', 'density', 'weights kept', 'neurons kept', 'compact size']];
  rows.push(['inputs', '', '', `${sum.inputs.kept} / ${sum.inputs.total}`, '']);
  for (const l of sum.layers)
    rows.push([
      l.name,
      formatPercent(l.density),
      `${l.weightsKept} / ${l.weightsTotal}`,
      `${l.neuronsKept} / ${l.neuronsTotal}`,
      String(sum.compactSizes[l.name] ?? ''),
    ]);
  rows.push(['total', formatPercent(sum.density), `${sum.weightsKept} / ${sum.weightsTotal}`, '', `${sum.compactParams} params`]);
  $('summary').replaceChildren(
    ...rows.map((cells, r) => {
      const tr = document.createElement('tr');
      for (const c of cells) {
        const cell = document.createElement(r === 0 ? 'th' : 'td');
        cell.textContent = c;
        tr.append(cell);
      }
      return tr;
    }),
  );
  $('verdict').textContent =
    `Test ${s.metric ?? 'metric'} ${formatMetric(s.metric, sum.beforePrune)} before pruning → ${formatMetric(s.metric, sum.afterPrune)} after · compression ${formatCompression(sum.compression)} · compact model ${sum.compactParams} of ${sum.fullParams} parameters`;
  $('collapsed').hidden = sum.collapsed.length === 0;
  $('collapsed').textContent =
    `Every neuron of ${sum.collapsed.join(', ')} was pruned: the output no longer depends on the input. Lower dropneuron or threshold.`;
  $('open-compact').hidden = !s.outputs?.compact;
}

window.addEventListener('message', (e: MessageEvent) => {
  const message: unknown = e.data;
  if (!isToWebview(message)) return; // only the typed union is accepted
  if (message.type === 'reset') {
    persisted = { runId: message.runId, title: message.title, events: message.events };
    state = replay(message.events, message.title);
  } else {
    if (message.runId !== persisted.runId) {
      persisted = { runId: message.runId, title: persisted.title, events: [] };
      state = initialState(persisted.title);
    }
    persisted.events.push(message.event);
    state = reduce(state, message.event);
  }
  vscode.setState(persisted);
  render();
});

$('stop').addEventListener('click', () => vscode.postMessage({ type: 'stop' }));
$('open-compact').addEventListener('click', () => state.outputs?.compact && vscode.postMessage({ type: 'openFolder', path: state.outputs.compact }));
$('open-spec').addEventListener('click', () => state.outputs?.prunedSpec && vscode.postMessage({ type: 'openFile', path: state.outputs.prunedSpec }));

render();
vscode.postMessage({ type: 'ready' });
