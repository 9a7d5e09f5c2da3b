/** Draws one run's panel from its view model (viewModel.ts): cards, banners, charts, layers, norms, mask, summary. */
import type { Chart, ChartConfiguration, ChartDataset, Plugin, TooltipItem } from 'chart.js';
import {
  formatCompactDetail,
  formatCompression,
  formatCount,
  formatExportLines,
  formatInputNames,
  formatMetric,
  formatOverrides,
  formatPart,
  formatShare,
  formatSizeHeadline,
  formatStrength,
  summaryKept,
} from '../../protocol/present.ts';
import { axis, baseOptions, css, draw, series, theme, type Axis, type Theme } from './charts.ts';
import { autoView, metricWord, normBins, referenceLine, STAGE_LABELS, type AutoStage, type AutoView, type StatsState } from './viewModel.ts';
import { isRoundTick } from './ticks.ts';

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
  drawGuidance(s);

  // A run that failed before its first epoch has nothing to chart: the error says it all.
  const nothingToChart = s.rows.length === 0 && (s.status === 'error' || s.status === 'interrupted');
  $('charts').hidden = nothingToChart;
  $('network').hidden = nothingToChart || s.layers.length === 0;
  drawCards(s);
  const t = theme();
  if (!nothingToChart) drawCharts(s, t);
  drawAuto(s, t, nothingToChart);
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
  // An auto run's λ is the one it found (its settings' dropneuron is only the unit its layers' weights multiply).
  const found = s.summary.auto?.lambda;
  $('damage-remedies').replaceChildren(
    el('li', '', `Lower the threshold (now ${d.threshold}): fewer small weights are cut.`),
    s.settings?.auto
      ? el(
          'li',
          '',
          `Use a fixed dropneuron λ below the one auto found${found !== undefined ? ` (${formatStrength(found)})` : ''}: auto kept the validation rows within the tolerance, not the test set.`,
        )
      : el('li', '', `Use a smaller dropneuron λ${lambda !== undefined ? ` (now ${lambda})` : ''}: fewer neurons are pushed towards zero while training.`),
  );
}

/** A run that pruned (almost) nothing or everything says so, and what to try (the trainer's one sentence). */
function drawGuidance(s: StatsState): void {
  const guidance = s.summary?.guidance;
  $('guidance').hidden = !guidance;
  $('guidance-text').replaceChildren(...withCode(guidance ?? ''));
}

/** A sentence whose `quoted` words (settings, values) read as code: text nodes and <code> elements, never HTML. */
function withCode(sentence: string): Node[] {
  return sentence.split('`').map((part, i) => (i % 2 ? el('code', '', part) : document.createTextNode(part)));
}

/** The imported model's metric before training as a level, labelled line across the metric chart (none for other runs). */
function referenceSeries(s: StatsState, t: Theme): ReturnType<typeof series>[] {
  const line = referenceLine(s);
  if (!line) return [];
  // Yellow: the one colour of the palette no other series of this chart takes. A line needs two epochs: with one,
  // its point shows where it will run.
  return [
    series(
      line.label,
      line.values.map((v) => plotted(s, v)),
      t.palette[4]!,
      { borderDash: [6, 4], borderWidth: 2, pointRadius: line.values.length > 1 ? 0 : 3 },
    ),
  ];
}

function drawCards(s: StatsState): void {
  const last = s.rows.at(-1);
  const cards: [string, string, string][] = [];
  const before = s.summary?.beforePrune ?? last?.testMetricUnpruned;
  const after = s.summary?.afterPrune ?? last?.testMetric;
  const metric = s.metric ?? 'metric';
  // The model the user gets leads: the compact model's parameters and bytes; the sparse-weight figures follow, named so.
  if (s.summary) cards.push(['compact', formatCount(s.summary.compactParams), `compact model parameters${formatCompactDetail(s.summary)}`]);
  if (s.imported) cards.push(['imported', formatMetric(s.metric, s.imported.value), `test ${metric} of the imported model, before training`]);
  if (before !== undefined) cards.push(['before', formatMetric(s.metric, before), `test ${metric} before pruning`]);
  if (after !== undefined) cards.push(['test', formatMetric(s.metric, after), `test ${metric} after pruning`]);
  const validation = s.summary ? s.summary.validationMetric : last?.validationMetric;
  if (validation !== undefined) cards.push(['validation', formatMetric(s.metric, validation), `validation ${metric} after pruning`]);
  const auto = autoView(s);
  if (auto?.lambdaNow !== undefined)
    cards.push(['lambda', formatStrength(auto.lambdaNow), auto.settled ? 'dropneuron λ found by auto' : 'dropneuron λ, still searching']);
  if (s.summary) {
    cards.push(['compression', formatCompression(s.summary.compression), 'fewer non-zero weights']);
    cards.push([
      'density',
      formatShare(s.summary.density),
      `non-zero weights (${formatCount(s.summary.weightsKept)} of ${formatCount(s.summary.weightsTotal)})`,
    ]);
  } else if (last) {
    cards.push(['compression', formatCompression(last.compression), 'fewer non-zero weights']);
    cards.push(['density', formatShare(last.density), 'non-zero weights']);
  }
  if (s.inputs)
    cards.push([
      'inputs',
      `${formatCount(s.inputs.kept)} of ${formatCount(s.inputs.total)}`,
      `inputs read (${formatShare(s.inputs.total ? s.inputs.kept / s.inputs.total : 0)})${s.inputs.names ? `: ${formatInputNames(s.inputs.names)}` : ''}`,
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
  $('metric-caption').textContent = `${metricWord(s.metric, true)} per epoch`;
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
    series(
      'validation after pruning',
      s.rows.map((r) => plotted(s, r.validationMetric)),
      orange!,
    ),
    ...referenceSeries(s, t),
  ].filter((d) => d.data.some((v) => v !== null));
  draw(
    'chart-metric',
    {
      type: 'line',
      data: { labels: epochs, datasets: metricSeries },
      options: baseOptions(t, {
        x: axis(t, 'epoch'),
        y: accuracy ? axis(t, 'accuracy (%)', { type: 'linear', suggestedMax: 100 }) : axis(t, `${s.metric ?? 'metric'} (log)`, { type: 'logarithmic' }),
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
            'non-zero weights (%)',
            s.rows.map((r) => 100 * r.density),
            purple!,
            { yAxisID: 'y' },
          ),
          series(
            'fewer non-zero weights (×)',
            s.rows.map((r) => r.compression),
            orange!,
            { yAxisID: 'y1', borderDash: [5, 4] },
          ),
        ],
      },
      options: baseOptions(t, {
        x: axis(t, 'epoch'),
        y: axis(t, 'non-zero weights (%)', { type: 'linear', position: 'left', min: 0, ticks: { color: purple!, callback: (v: number | string) => `${v} %` } }),
        y1: axis(t, 'fewer non-zero weights (×)', {
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

/** Per layer: neurons before → after as a bar (the compact model's size), with the share of neurons kept and of weights non-zero. */
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
      const numbers = el('div', 'layer-numbers', `${formatPart(l.kept, l.total)} neurons · ${formatShare(l.density)} of weights non-zero`);
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
  // The inputs card's number: the view model keeps the mask and the count from one event.
  const kept = s.inputs?.kept ?? [...s.mask.bits].filter((b) => b === '1').length;
  $('mask-caption').textContent = `${formatCount(kept)} of ${formatCount(h * w)} pixels still feed the network`;
}

function drawSummary(s: StatsState): void {
  const box = $('summary-box');
  box.hidden = !s.summary;
  if (!s.summary) return;
  const sum = s.summary;
  // Neurons kept are the compact model's sizes (one rule: protocol/kept.ts), so they are one column, not two.
  const rows: string[][] = [['layer', 'kept (compact model)', 'non-zero weights']];
  rows.push(['inputs', formatPart(sum.inputs.kept, sum.inputs.total), '']);
  const kept = summaryKept(sum);
  sum.layers.forEach((l, i) => rows.push([l.name, formatPart(kept[i]!.kept, l.neuronsTotal), formatPart(l.weightsKept, l.weightsTotal)]));
  rows.push(['total', `${formatCount(sum.compactParams)} parameters`, formatPart(sum.weightsKept, sum.weightsTotal)]);
  $('summary').replaceChildren(
    ...rows.map((cells, r) => {
      const tr = document.createElement('tr');
      for (const c of cells) tr.append(el(r === 0 ? 'th' : 'td', '', c));
      return tr;
    }),
  );
  const verdict = $('verdict');
  verdict.classList.toggle('bad', !!s.damage);
  const validation = sum.validationMetric !== undefined ? ` (validation ${formatMetric(s.metric, sum.validationMetric)})` : '';
  const sizes = formatSizeHeadline(sum);
  verdict.textContent = `${sizes[0]!.toUpperCase()}${sizes.slice(1)} · test ${s.metric ?? 'metric'} ${formatMetric(s.metric, sum.beforePrune)} before pruning → ${formatMetric(s.metric, sum.afterPrune)} after${validation}`;
  $('collapsed').hidden = sum.collapsed.length === 0;
  $('collapsed').textContent =
    `Every neuron of ${sum.collapsed.join(', ')} was pruned: the output no longer depends on the input. Lower dropneuron or threshold.`;
  $('open-compact').hidden = !s.outputs?.compact;
  // Each exported file's size next to the full model's, and the inference latency of both.
  $('exports').replaceChildren(...formatExportLines(sum).map((line) => el('li', '', line)));
}

/** The shading of each stage of the search (a translucent band behind the series) and its colour in the theme. */
function stageColours(t: Theme): Record<AutoStage, string> {
  return { reference: t.muted, search: t.palette[0]!, inputs: t.palette[4]!, hold: t.palette[2]!, finetune: t.palette[3]! };
}

/** Where the stages' shading comes from: a chart's own options (draw() swaps the options of a chart it redraws). */
interface StageShading {
  spans: { first: number; last: number; colour: string; label: string }[];
  labelColour: string;
}

/**
 * Shades each stage's epochs behind the series, and names the stage at the top of its band (when it fits). The
 * spans are read from the chart's options at each draw, so a redrawn chart shades the stages of its new data.
 */
const stagesPlugin: Plugin = {
  id: 'dropneuronStages',
  beforeDatasetsDraw(chart: Chart) {
    const shading = (chart.config.options as { stageShading?: StageShading } | undefined)?.stageShading;
    const x = chart.scales.x;
    if (!shading || !x) return;
    const { ctx, chartArea } = chart;
    const labels = (chart.data.labels ?? []) as number[];
    const step = labels.length > 1 ? Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0)) : chartArea.width;
    ctx.save();
    for (const span of shading.spans) {
      const from = labels.indexOf(span.first);
      const to = labels.indexOf(span.last);
      if (from < 0 || to < 0) continue;
      const left = Math.max(chartArea.left, x.getPixelForValue(from) - step / 2);
      const right = Math.min(chartArea.right, x.getPixelForValue(to) + step / 2);
      ctx.globalAlpha = 0.13;
      ctx.fillStyle = span.colour;
      ctx.fillRect(left, chartArea.top, right - left, chartArea.bottom - chartArea.top);
      ctx.globalAlpha = 1;
      ctx.font = '11px sans-serif';
      const width = ctx.measureText(span.label).width;
      if (width + 6 <= right - left) {
        ctx.fillStyle = shading.labelColour;
        ctx.textBaseline = 'top';
        ctx.fillText(span.label, left + 3, chartArea.top + 3);
      }
    }
    ctx.restore();
  },
};

/** The options of an auto chart: the common ones, the stages shaded, and the stage of each epoch in the tooltip. */
function autoOptions(t: Theme, view: AutoView, scales: Record<string, Axis>, value: (y: number) => string): ChartConfiguration['options'] {
  const colours = stageColours(t);
  const base = baseOptions(t, scales)!;
  const shading: StageShading = {
    spans: view.spans.map((sp) => ({ first: sp.first, last: sp.last, colour: colours[sp.stage], label: sp.stage === 'finetune' ? 'fine-tune' : sp.stage })),
    labelColour: t.muted,
  };
  return {
    ...base,
    plugins: {
      ...base.plugins,
      tooltip: {
        callbacks: {
          title: (items: TooltipItem<'line'>[]) => {
            const i = items[0]?.dataIndex ?? 0;
            return `epoch ${view.epochs[i]} · ${STAGE_LABELS[view.stages[i]!]}`;
          },
          label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${value(item.parsed.y ?? 0)}`,
        },
      },
    },
    stageShading: shading,
  } as ChartConfiguration['options'];
}

/** `dropneuron auto`: λ per epoch on a log axis, the validation metric in its tolerance band, each stage shaded. */
function drawAuto(s: StatsState, t: Theme, nothingToChart: boolean): void {
  const view = autoView(s);
  const box = $('auto-box');
  box.hidden = !view || nothingToChart;
  if (!view || box.hidden) return;
  const [, orange, green] = t.palette;
  const sum = s.summary;
  const tolerance = s.settings?.tolerance ?? sum?.damage?.tolerance;
  const reference = sum?.auto?.reference ?? view.reference.filter((v): v is number => v !== null).at(-1);
  const band =
    reference !== undefined
      ? ` within ${tolerance ?? '?'} point${tolerance === 1 ? '' : 's'} of the unpenalised network’s (${formatMetric(s.metric, reference)})`
      : ' in its band';
  $('auto-verdict').textContent =
    view.settled && view.lambdaNow !== undefined
      ? `Settled on λ ${formatStrength(view.lambdaNow)}: the strongest that kept the validation ${s.metric ?? 'metric'}${band}.`
      : view.lambdaNow !== undefined
        ? `Searching: the next epoch trains with λ ${formatStrength(view.lambdaNow)}, to keep the validation ${s.metric ?? 'metric'}${band}.`
        : `Measuring the unpenalised network’s validation ${s.metric ?? 'metric'} before the search.`;
  draw(
    'chart-lambda',
    {
      type: 'line',
      data: {
        labels: view.epochs,
        datasets: [
          series('λ this epoch', view.lambda, t.palette[0]!, { pointRadius: 3 }),
          ...(view.inputsLambda ? [series('input groups’ λ', view.inputsLambda, t.palette[3]!, { pointRadius: 2, borderDash: [4, 3] })] : []),
          ...(view.settled && view.lambdaNow !== undefined
            ? [
                series(
                  `found λ ${formatStrength(view.lambdaNow)}`,
                  view.epochs.map(() => view.lambdaNow!),
                  green!,
                  { borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 },
                ),
              ]
            : []),
        ],
      },
      options: autoOptions(
        t,
        view,
        {
          x: axis(t, 'epoch'),
          y: axis(t, 'λ (log scale)', {
            type: 'logarithmic',
            ticks: { color: t.foreground, callback: (v: number | string) => (isRoundTick(Number(v)) ? String(Number(Number(v).toPrecision(1))) : '') },
          }),
        },
        formatStrength,
      ),
      plugins: [stagesPlugin],
    },
    t,
  );
  const accuracy = s.metric === 'accuracy';
  $('validation-caption').textContent = `Validation ${metricWord(s.metric, false)} per epoch, and the tolerance band`;
  const p = (v: number | null): number | null => (v === null ? null : plotted(s, v));
  draw(
    'chart-validation',
    {
      type: 'line',
      data: {
        labels: view.epochs,
        datasets: [
          series('validation after pruning', view.validation.map(p), orange!, { pointRadius: 3 }),
          series('reference', view.reference.map(p), t.foreground, { borderDash: [2, 3], borderWidth: 1.5, pointRadius: 0, spanGaps: false }),
          series(`edge of the band (tolerance ${tolerance ?? '?'})`, view.floor.map(p), t.danger, {
            borderDash: [6, 4],
            borderWidth: 1.5,
            pointRadius: 0,
            spanGaps: false,
            fill: { target: '-1' },
            backgroundColor: withAlpha(t.danger, 0.12),
          }),
        ],
      },
      options: autoOptions(
        t,
        view,
        {
          x: axis(t, 'epoch'),
          y: accuracy ? axis(t, 'validation accuracy (%)', { type: 'linear' }) : axis(t, `validation ${s.metric ?? ''} (log)`, { type: 'logarithmic' }),
        },
        // Plotted as the metric chart plots it (accuracy in %), read back as the cards read it.
        (y) => formatMetric(s.metric, accuracy ? y / 100 : y),
      ),
      plugins: [stagesPlugin],
    },
    t,
  );
  // The band is the search's promise: a shipped model that ended outside it (fine-tuning did not win the accuracy
  // back) must not read as a success.
  const floor = view.floor.filter((v): v is number => v !== null).at(-1);
  const final = sum?.validationMetric;
  const outside = view.settled && floor !== undefined && final !== undefined && (s.metric === 'accuracy' ? final < floor : final > floor);
  $('auto-verdict').classList.toggle('bad', outside);
  if (outside)
    $('auto-verdict').textContent +=
      ` But the pruned model ends at ${formatMetric(s.metric, final)} on validation, ${s.metric === 'accuracy' ? 'below' : 'above'} the band’s edge (${formatMetric(s.metric, floor)}).`;
  const settings = view.settings;
  $('use-settings-box').hidden = !settings || s.status !== 'done';
  $('use-settings-detail').textContent = settings
    ? `Writes ${formatOverrides(settings)} into the spec, in place of dropneuron auto: a fixed-λ run of it then reproduces this one.`
    : '';
}

/** A CSS colour, whatever its form (a theme may give #rgb, rgba(), a name), made translucent: the canvas parses it. */
function withAlpha(colour: string, alpha: number): string {
  const probe = document.createElement('canvas').getContext('2d')!;
  probe.fillStyle = colour;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = probe.getImageData(0, 0, 1, 1).data;
  return `rgba(${r}, ${g}, ${b}, ${((a ?? 255) / 255) * alpha})`;
}
