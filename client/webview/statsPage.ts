/** Draws one run's panel from its view model (viewModel.ts): cards, banners, charts, layers, norms, mask, summary. */
import type { ChartDataset } from 'chart.js';
import { formatCompression, formatCount, formatExportLines, formatMetric, formatOverrides, formatPart, formatShare } from '../../protocol/present.ts';
import { axis, baseOptions, css, draw, series, theme, type Theme } from './charts.ts';
import { normBins, type StatsState } from './viewModel.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The metric as the charts plot it: accuracy in %, errors as they are. */
const plotted = (s: StatsState, v: number | undefined): number | null => (v === undefined ? null : s.metric === 'accuracy' ? 100 * v : v);

function statusText(s: StatsState, subtitle: string): string {
  const last = s.rows.at(-1);
  switch (s.status) {
    case 'waiting':
      return subtitle ? 'starting…' : 'waiting for a run…';
    case 'running':
      return `epoch ${last?.epoch ?? 0}/${s.epochs ?? '?'}${last?.phase === 'finetune' ? ' · fine-tuning the pruned network' : ''} · running on ${s.backend ?? '…'}`;
    case 'error':
      return 'failed';
    case 'interrupted':
      return `interrupted after epoch ${last?.epoch ?? 0} of ${s.epochs ?? '?'}`;
    default:
      return `${s.status} after ${last?.epoch ?? 0} epoch${last?.epoch === 1 ? '' : 's'}${s.backend ? ` on ${s.backend}` : ''}`;
  }
}

export function renderStats(s: StatsState, subtitle: string): void {
  $('title').textContent = s.model ? `DropNeuron · ${s.model}` : 'DropNeuron';
  $('subtitle').textContent = subtitle;
  const status = $('status');
  status.dataset.status = s.status;
  status.textContent = statusText(s, subtitle);
  $('stop').hidden = s.status !== 'running';
  $('resume').hidden = s.status !== 'interrupted';
  const overrides = formatOverrides(s.overrides, ' · ');
  $('overrides').hidden = !overrides;
  $('overrides').textContent = `Overriding the spec for this run: ${overrides}`;
  const error = $('error');
  error.hidden = !s.error;
  error.textContent = s.error ? `The run failed: ${s.error}` : '';
  const interrupted = $('interrupted');
  interrupted.hidden = s.status !== 'interrupted';
  interrupted.textContent =
    s.status === 'interrupted'
      ? `This run stopped before it finished, and no trainer is running it now (the window closed, or the trainer was killed). Resume continues from its last checkpoint${s.rows.length ? `, epoch ${s.rows.at(-1)!.epoch}` : ''}.`
      : '';
  drawDamage(s);

  // A run that failed before its first epoch has nothing to chart: the error says it all.
  const nothingToChart = s.rows.length === 0 && (s.status === 'error' || s.status === 'interrupted');
  $('charts').hidden = nothingToChart;
  $('network').hidden = nothingToChart || s.layers.length === 0;
  drawCards(s);
  const t = theme();
  if (!nothingToChart) drawCharts(s, t);
  drawLayers(s);
  drawNorms(s, t);
  drawMask(s);
  drawSummary(s);
}

function drawDamage(s: StatsState): void {
  const box = $('damage');
  box.hidden = !s.damage || !s.summary;
  if (!s.damage || !s.summary) return;
  const d = s.damage;
  const change = `${formatMetric(s.metric, s.summary.beforePrune)} → ${formatMetric(s.metric, s.summary.afterPrune)}`;
  $('damage-text').textContent =
    `Pruning at threshold ${d.threshold} cost ${d.cost.toFixed(1)} points: ${change} (tolerance ${d.tolerance} point${d.tolerance === 1 ? '' : 's'}). The pruned model is not usable as it is.`;
  const lambda = s.settings?.dropneuron;
  $('damage-remedies').replaceChildren(
    el('li', '', `Lower the threshold (now ${d.threshold}): fewer small weights are cut.`),
    el('li', '', `Use a smaller dropneuron λ${lambda !== undefined ? ` (now ${lambda})` : ''}: fewer neurons are pushed towards zero while training.`),
  );
}

function drawCards(s: StatsState): void {
  const last = s.rows.at(-1);
  const cards: [string, string, string][] = [];
  const before = s.summary?.beforePrune ?? last?.testMetricUnpruned;
  const after = s.summary?.afterPrune ?? last?.testMetric;
  const metric = s.metric ?? 'metric';
  if (before !== undefined) cards.push(['before', formatMetric(s.metric, before), `test ${metric} before pruning`]);
  if (after !== undefined) cards.push(['test', formatMetric(s.metric, after), `test ${metric} after pruning`]);
  if (s.summary) {
    cards.push(['density', formatShare(s.summary.density), `weights kept (${formatCount(s.summary.weightsKept)} of ${formatCount(s.summary.weightsTotal)})`]);
    cards.push(['compression', formatCompression(s.summary.compression), 'compression']);
  } else if (last) {
    cards.push(['density', formatShare(last.density), 'weights kept']);
    cards.push(['compression', formatCompression(last.compression), 'compression']);
  }
  if (s.inputs)
    cards.push([
      'inputs',
      `${formatCount(s.inputs.kept)} of ${formatCount(s.inputs.total)}`,
      `inputs read (${formatShare(s.inputs.total ? s.inputs.kept / s.inputs.total : 0)})`,
    ]);
  $('overview').replaceChildren(
    ...cards.map(([id, value, label]) => {
      const card = el('div', 'card');
      card.dataset.card = id;
      if (id === 'test' && s.damage) card.classList.add('bad');
      card.append(el('div', 'value', value), el('div', 'label', label));
      return card;
    }),
  );
}

function drawCharts(s: StatsState, t: Theme): void {
  const [blue, orange, green, purple] = t.palette;
  const epochs = s.rows.map((r) => r.epoch);
  draw(
    'chart-loss',
    {
      type: 'line',
      data: {
        labels: epochs,
        datasets: [
          series(
            'data loss',
            s.rows.map((r) => r.dataLoss),
            blue!,
          ),
          series(
            'penalty',
            s.rows.map((r) => r.penalty),
            orange!,
            { borderDash: [5, 4] },
          ),
        ],
      },
      options: baseOptions(t, { x: axis(t, 'epoch'), y: axis(t, 'loss', { type: 'linear' }) }),
    },
    t,
  );
  const accuracy = s.metric === 'accuracy';
  $('metric-caption').textContent = `${accuracy ? 'Accuracy' : (s.metric ?? 'metric').toUpperCase()} per epoch`;
  const metricSeries = [
    series(
      'train',
      s.rows.map((r) => plotted(s, r.trainMetric)),
      blue!,
    ),
    series(
      'test before pruning',
      s.rows.map((r) => plotted(s, r.testMetricUnpruned)),
      purple!,
      { borderDash: [5, 4] },
    ),
    series(
      'test after pruning',
      s.rows.map((r) => plotted(s, r.testMetric)),
      green!,
    ),
  ].filter((d) => d.data.some((v) => v !== null));
  draw(
    'chart-metric',
    {
      type: 'line',
      data: { labels: epochs, datasets: metricSeries },
      options: baseOptions(t, {
        x: axis(t, 'epoch'),
        y: accuracy ? axis(t, 'accuracy (%)', { type: 'linear', suggestedMax: 100 }) : axis(t, `${s.metric ?? ''} (log)`, { type: 'logarithmic' }),
      }),
    },
    t,
  );
  // Two quantities, two axes: a share of weights in % on the left, a ratio (×) on the right.
  draw(
    'chart-density',
    {
      type: 'line',
      data: {
        labels: epochs,
        datasets: [
          series(
            'weights kept (%)',
            s.rows.map((r) => 100 * r.density),
            purple!,
            { yAxisID: 'y' },
          ),
          series(
            'compression (×)',
            s.rows.map((r) => r.compression),
            orange!,
            { yAxisID: 'y1', borderDash: [5, 4] },
          ),
        ],
      },
      options: baseOptions(t, {
        x: axis(t, 'epoch'),
        y: axis(t, 'weights kept (%)', { type: 'linear', position: 'left', min: 0, ticks: { color: purple!, callback: (v: number | string) => `${v} %` } }),
        y1: axis(t, 'compression (×)', {
          type: 'linear',
          position: 'right',
          min: 0,
          grid: { drawOnChartArea: false, color: t.grid },
          ticks: { color: orange!, callback: (v: number | string) => `${v}×` },
        }),
      }),
    },
    t,
  );
  draw(
    'chart-neurons',
    {
      type: 'line',
      data: {
        labels: epochs,
        datasets: s.layers.map((l, i) =>
          series(
            `${l.name} (of ${formatCount(l.total)})`,
            s.rows.map((r) => r.kept[l.name] ?? null),
            t.palette[i % t.palette.length]!,
          ),
        ),
      },
      options: baseOptions(t, { x: axis(t, 'epoch'), y: axis(t, 'neurons kept', { type: 'linear', min: 0 }) }),
    },
    t,
  );
}

/** Per layer: neurons before → after as a bar, with the share of neurons and of weights kept. */
function drawLayers(s: StatsState): void {
  $('layers').replaceChildren(
    ...s.layers.map((l) => {
      const row = el('div', 'layer');
      row.dataset.layer = l.name;
      const label = el('div', 'layer-label', `${l.name} ${formatCount(l.total)} → ${formatCount(l.kept)}`);
      const bar = el('div', 'bar');
      bar.title = `${formatCount(l.kept)} of ${formatCount(l.total)} neurons kept`;
      const kept = el('div', 'kept');
      kept.style.width = `${l.total ? (100 * l.kept) / l.total : 0}%`;
      bar.append(kept);
      const numbers = el('div', 'layer-numbers', `${formatPart(l.kept, l.total)} neurons · ${formatShare(l.density)} of weights`);
      row.append(label, bar, numbers);
      return row;
    }),
  );
}

/** A histogram of the neurons' largest |incoming weight| on a log axis, with the threshold they are pruned at. */
function drawNorms(s: StatsState, t: Theme): void {
  const box = $('norms-box');
  box.hidden = !s.norms || $('network').hidden;
  if (!s.norms || box.hidden) return;
  const bins = normBins(s.norms);
  const centers = bins.edges.map((e) => e + bins.width / 2);
  const datasets: Record<string, unknown>[] = Object.entries(bins.counts).map(([name, counts], i) => ({
    type: 'bar',
    label: name,
    data: counts.map((y, j) => ({ x: centers[j]!, y })),
    backgroundColor: t.palette[i % t.palette.length]!,
    borderColor: t.palette[i % t.palette.length]!,
    stack: 'neurons',
    barPercentage: 1,
    categoryPercentage: 1,
    grouped: false,
  }));
  const top = Math.max(1, ...bins.edges.map((_, j) => Object.values(bins.counts).reduce((n, c) => n + c[j]!, 0)));
  const th = Math.log10(s.norms.threshold);
  if (s.norms.threshold > 0)
    datasets.push({
      type: 'line',
      label: `threshold ${s.norms.threshold}`,
      data: [
        { x: th, y: 0 },
        { x: th, y: top },
      ],
      borderColor: t.danger,
      backgroundColor: t.danger,
      borderWidth: 2,
      borderDash: [6, 3],
      pointRadius: 0,
      stack: 'threshold',
    });
  const decade = (v: number | string): string => (Number.isInteger(Number(v)) ? String(Number((10 ** Number(v)).toPrecision(1))) : '');
  $('norms-caption').textContent =
    `Neurons’ largest |weight| before pruning (epoch ${s.norms.epoch}): ${formatCount(bins.above)} of ${formatCount(bins.total)} at or above the threshold`;
  draw(
    'chart-norms',
    {
      type: 'bar',
      data: { datasets: datasets as unknown as ChartDataset<'bar'>[] },
      options: {
        ...baseOptions(t, {
          x: axis(t, 'largest |incoming weight| (log scale)', {
            type: 'linear',
            min: bins.edges[0]!,
            max: bins.edges.at(-1)! + bins.width,
            stacked: true,
            ticks: { color: t.foreground, stepSize: 1, callback: decade },
          }),
          y: axis(t, 'neurons', { type: 'linear', stacked: true, min: 0 }),
        }),
        interaction: { mode: 'nearest', intersect: true },
      },
    },
    t,
  );
}

function drawMask(s: StatsState): void {
  const box = $('mask-box');
  box.hidden = !s.mask || $('network').hidden;
  if (!s.mask || box.hidden) return;
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
  $('mask-caption').textContent = `${formatCount(kept)} of ${formatCount(h * w)} pixels still feed the network`;
}

function drawSummary(s: StatsState): void {
  const box = $('summary-box');
  box.hidden = !s.summary;
  if (!s.summary) return;
  const sum = s.summary;
  const rows: string[][] = [['layer', 'weights kept', 'neurons kept', 'compact size']];
  rows.push(['inputs', '', formatPart(sum.inputs.kept, sum.inputs.total), '']);
  for (const l of sum.layers)
    rows.push([l.name, formatPart(l.weightsKept, l.weightsTotal), formatPart(l.neuronsKept, l.neuronsTotal), formatCount(sum.compactSizes[l.name] ?? 0)]);
  rows.push(['total', formatPart(sum.weightsKept, sum.weightsTotal), '', `${formatCount(sum.compactParams)} params`]);
  $('summary').replaceChildren(
    ...rows.map((cells, r) => {
      const tr = document.createElement('tr');
      for (const c of cells) tr.append(el(r === 0 ? 'th' : 'td', '', c));
      return tr;
    }),
  );
  const verdict = $('verdict');
  verdict.classList.toggle('bad', !!s.damage);
  verdict.textContent = `Test ${s.metric ?? 'metric'} ${formatMetric(s.metric, sum.beforePrune)} before pruning → ${formatMetric(s.metric, sum.afterPrune)} after · compression ${formatCompression(sum.compression)} · compact model ${formatCount(sum.compactParams)} of ${formatCount(sum.fullParams)} parameters`;
  $('collapsed').hidden = sum.collapsed.length === 0;
  $('collapsed').textContent =
    `Every neuron of ${sum.collapsed.join(', ')} was pruned: the output no longer depends on the input. Lower dropneuron or threshold.`;
  $('open-compact').hidden = !s.outputs?.compact;
  // Each exported file's size next to the full model's, and the inference latency of both.
  $('exports').replaceChildren(...formatExportLines(sum).map((line) => el('li', '', line)));
}
