// npm run reproduce -- NAME [--epochs N] | all      (or NAME --from RUN_DIR)
// Runs one of the seed's experiments (examples/*.dnn with the seed's settings) through the trainer, records its
// row in docs/results.json, regenerates the table in docs/results.md and draws its charts (Vega, SVG).
// --from records a finished run folder of that experiment instead of training (every row is read from a run
// folder either way).
// A script, not a test: full-length runs take minutes to hours on 2 cores.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Overrides } from '../language/index.ts';
import type { DoneEvent, EpochEvent, StartEvent } from '../protocol/events.ts';
import { readEvents, RunFolder } from '../store/runFolder.ts';
import type { RunManifest } from '../protocol/runFolder.ts';
import { train } from '../trainer/src/run.ts';

const ROOT = join(import.meta.dirname, '..');
const DOCS = join(ROOT, 'docs');
const STORE = join(DOCS, 'results.json');

interface Experiment {
  name: string;
  title: string;
  spec: string;
  /** The seed's command line for this row: l1 l2 dropneuron keep_prob threshold. */
  seed: string;
  overrides?: Overrides;
  reference: string;
}

const EXPERIMENTS: Experiment[] = [
  {
    name: 'lenet-300-100',
    title: 'LeNet-300-100, DropNeuron',
    spec: 'lenet-300-100.dnn',
    seed: '1e-4 0 5e-4 0.5 0.01',
    overrides: { regularize: { keepProb: 0.5 } },
    reference: 'acc 98.13 % → 98.17 % after prune; 9.9 % of weights kept (10.1×); neurons 542/784, 83/300, 61/100, 10/10',
  },
  {
    name: 'lenet-300-100-as-run',
    title: 'LeNet-300-100, DropNeuron, dropout off (what the seed script actually ran: it discards its dropout)',
    spec: 'lenet-300-100.dnn',
    seed: '1e-4 0 5e-4 0.5→1 0.01',
    overrides: { regularize: { keepProb: 1 } },
    reference: 'acc 98.13 % → 98.17 % after prune; 9.9 % of weights kept (10.1×); neurons 542/784, 83/300, 61/100, 10/10',
  },
  {
    name: 'lenet-300-100-dropout',
    title: 'LeNet-300-100, dropout only',
    spec: 'lenet-300-100.dnn',
    seed: '0 0 0 0.5 0.01',
    overrides: { regularize: { l1: 0, dropneuron: 0, keepProb: 0.5 } },
    reference: '98.1 %; 83.9 % kept; 784, 300, 99, 10',
  },
  {
    name: 'lenet-300-100-l1',
    title: 'LeNet-300-100, L1 only',
    spec: 'lenet-300-100.dnn',
    seed: '1e-4 0 0 0.5 0.01',
    overrides: { regularize: { dropneuron: 0, keepProb: 0.5 } },
    reference: '97.98 %; 12.0 % kept; 572, 140, 89, 10',
  },
  {
    name: 'lenet-300-100-l1-as-run',
    title: 'LeNet-300-100, L1 only, dropout off (what the seed script actually ran)',
    spec: 'lenet-300-100.dnn',
    seed: '1e-4 0 0 0.5→1 0.01',
    overrides: { regularize: { dropneuron: 0, keepProb: 1 } },
    reference: '97.98 %; 12.0 % kept; 572, 140, 89, 10',
  },
  {
    name: 'lenet-5',
    title: 'LeNet-5 variant (conv 32/64 + dense 512)',
    spec: 'lenet-5.dnn',
    seed: '1e-4 0 5e-4 1 0.01',
    reference: '99.14 %; dense weights 1.49 % kept (67×); dense inputs 907/3136, 110/512',
  },
  {
    name: 'convnet',
    title: 'TF-tutorial convnet (conv 32/64 same + dense 512)',
    spec: 'convnet.dnn',
    seed: '2e-4 0 5e-4 1 0.01',
    reference: 'test error ≈ 0.9 % after pruning; dense weights 2.1 % kept (47.9×)',
  },
  {
    name: 'autoencoder',
    title: 'Autoencoder 784-128-64-128-784',
    spec: 'autoencoder.dnn',
    seed: '1e-5 0 1e-5 1 0.005',
    reference: 'NMSE 0.0121; 19.5 % kept (5.1×); inputs 420/784',
  },
  {
    name: 'lenet-300-100-small',
    title: 'LeNet-300-100 small: beating the related work',
    spec: 'lenet-300-100-small.dnn',
    seed: "ours, not the seed's: 1.5e-4 0 2e-3 1 0.02, λ 4e-3 on fc2 and out, Glorot init, 5-epoch warm-up, 60 epochs + 20 fine-tuning at lr 1e-4",
    reference:
      'target ≥ 98.2 % after pruning, ≤ 70 and ≤ 50 hidden neurons, ≥ 12×. Related work: L0 1.6 % error, 266-88-33; Bayesian compression ≈ 1.8 %, 278-98-13; magnitude pruning 1.59 % at 8 % of weights (12.5×)',
  },
  {
    name: 'sparse-regression',
    title: 'Sparse regression 20-5-1 linear, batch 1',
    spec: 'sparse-regression.dnn',
    seed: '50 0 250 1 0.01',
    reference: 'NMSE 3.6e-4; 3/105 weights kept; 2/20 inputs survive',
  },
];

interface Row {
  name: string;
  command: string;
  backend: string;
  epochs: number;
  specEpochs: number;
  seconds: number;
  date: string;
  metric: string;
  beforePrune: number;
  afterPrune: number;
  weightsKept: number;
  weightsTotal: number;
  compression: number;
  neurons: string;
  extra?: string;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
const metricText = (metric: string, v: number): string => (metric === 'accuracy' ? pct(v) : `${metric.toUpperCase()} ${v.toExponential(2)}`);

async function run(e: Experiment, epochs: number | undefined): Promise<Row> {
  const overrides: Overrides = { ...e.overrides, train: { ...e.overrides?.train, ...(epochs ? { epochs } : {}) } };
  const runDir = join(ROOT, '.dropneuron', 'reproduce', `${e.name}-${Date.now()}`);
  const result = await train({
    specPath: join(ROOT, 'examples', e.spec),
    overrides,
    outDir: runDir,
    emit: (event) => {
      if (event.type === 'epoch')
        console.log(
          `${e.name}: epoch ${event.epoch}/${event.epochs} ${event.seconds.toFixed(1)} s, test ${metricText(event.metric, event.testMetric)}, density ${pct(event.density)}, kept ${event.layers.map((l) => `${l.kept}/${l.units}`).join(' ')}`,
        );
    },
  });
  if (result.type !== 'done') throw new Error(`${e.name}: ${result.message}`);
  return record(e, runDir);
}

/** A spec's meaning for comparing runs: its text without comments and with white space collapsed. */
const specMeaning = (text: string): string =>
  text
    .replace(/#[^\n]*/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Where a run ran, not what it trained: a run on one thread or another backend is the same experiment (the row says its backend). */
const EXECUTION_ONLY = ['threads', 'backend'];

/** Overrides as a comparable string, without `train.epochs` (the row's command says it), where it ran, and empty groups. */
function overridesKey(o: RunManifest['overrides'] | Overrides | undefined): string {
  const groups = Object.entries(o ?? {})
    .map(
      ([group, values]) =>
        [
          group,
          Object.fromEntries(
            Object.entries(values as object)
              .filter(([k]) => !(group === 'train' && (k === 'epochs' || EXECUTION_ONLY.includes(k))))
              .sort(([a], [b]) => a.localeCompare(b)),
          ),
        ] as const,
    )
    .filter(([, values]) => Object.keys(values).length > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(groups);
}

/**
 * The row and charts of experiment `e`, read from a finished run folder: one this script just trained, or
 * one given with --from (a run made elsewhere, or re-exported with `dropneuron train --resume`).
 */
async function record(e: Experiment, runDir: string): Promise<Row> {
  const manifest = new RunFolder(runDir).manifest();
  const specPath = join(ROOT, 'examples', e.spec);
  if (basename(manifest.specPath) !== e.spec || specMeaning(manifest.spec) !== specMeaning(readFileSync(specPath, 'utf8'))) {
    throw new Error(
      `${runDir}: expected a run of the current examples/${e.spec} (comments aside), found a run of ${manifest.specPath}${basename(manifest.specPath) === e.spec ? ' as it was before an edit' : ''}`,
    );
  }
  if (overridesKey(manifest.overrides) !== overridesKey(e.overrides)) {
    throw new Error(`${runDir}: expected the overrides of ${e.name} ${overridesKey(e.overrides)}, found ${overridesKey(manifest.overrides)}`);
  }
  if (manifest.limit !== undefined) throw new Error(`${runDir}: expected a run on the whole training set, found one limited to ${manifest.limit} samples`);
  const events = readEvents(runDir);
  const start = events.find((x): x is StartEvent => x.type === 'start');
  const dones = events.filter((x): x is DoneEvent => x.type === 'done');
  const done = dones.at(-1);
  if (!start || !done || done.stopped)
    throw new Error(`${runDir}: expected a finished run, found ${done?.stopped ? 'a stopped one (resume it first)' : 'no done event'}`);
  // One event per epoch, in order, even for a resumed run: each checkpoint rewrites the file from the run's own list.
  const epochs = events.filter((x): x is EpochEvent => x.type === 'epoch');
  const s = done.summary;
  await drawCharts(e, epochs);
  const epochsOverride = manifest.overrides.train?.epochs;
  const row: Row = {
    name: e.name,
    command: `npm run reproduce -- ${e.name}${epochsOverride !== undefined ? ` --epochs ${epochsOverride}` : ''}`,
    backend: start.backend,
    epochs: done.epochsCompleted,
    specEpochs: start.epochs,
    // The trainer's own time over every segment of the run (a resumed run has several).
    seconds: dones.reduce((t, d) => t + d.seconds, 0),
    date: manifest.started.slice(0, 10),
    metric: s.metric,
    beforePrune: s.beforePrune,
    afterPrune: s.afterPrune,
    weightsKept: s.weightsKept,
    weightsTotal: s.weightsTotal,
    compression: s.compression,
    neurons: [`${s.inputs.kept}/${s.inputs.total}`, ...s.layers.map((l) => `${l.neuronsKept}/${l.neuronsTotal}`)].join(', '),
  };
  const dense = s.layers.filter((l) => l.kind === 'dense');
  if (dense.length < s.layers.length) {
    // The seed's convnet scripts count only their dense layers; give that figure too so the row compares like with like.
    const kept = dense.reduce((n, l) => n + l.weightsKept, 0);
    const total = dense.reduce((n, l) => n + l.weightsTotal, 0);
    const first = dense[0]!;
    row.extra = `dense layers only (the seed's count): ${pct(kept / total)} kept (${(total / kept).toFixed(1)}×); ${[`dense inputs ${first.inputsKept}/${first.inputsTotal}`, ...dense.slice(0, -1).map((l) => `${l.neuronsKept}/${l.neuronsTotal}`)].join(', ')}`;
  }
  if (e.name === 'sparse-regression') {
    const kept = JSON.parse(readFileSync(join(runDir, 'kept-inputs.json'), 'utf8')) as { kept: number[] };
    const { sparseRegression } = await import('../trainer/src/data/generated.ts');
    const truth = sparseRegression({ samples: 1000, features: 20, informative: 2, noise: 0, seed: 1 }).facts!.informativeFeatures as number[];
    row.extra = `inputs kept ${JSON.stringify(kept.kept)}, true nonzero inputs ${JSON.stringify(truth)}`;
  }
  return row;
}

/** Two SVG charts per experiment: density and neurons kept per epoch; the metric per epoch. */
async function drawCharts(e: Experiment, epochs: EpochEvent[]): Promise<void> {
  const vega = await import('vega');
  mkdirSync(join(DOCS, 'results'), { recursive: true });
  {
    const sparsity = epochs.flatMap((x) => [
      { epoch: x.epoch, series: 'density %', value: 100 * x.density },
      ...x.layers.map((l) => ({ epoch: x.epoch, series: `${l.name} kept %`, value: (100 * l.kept) / l.units })),
      { epoch: x.epoch, series: 'inputs kept %', value: (100 * x.inputsKept) / Math.max(1, x.inputsTotal) },
    ]);
    const metric = epochs.flatMap((x) => [
      { epoch: x.epoch, series: 'train', value: x.metric === 'accuracy' ? 100 * x.trainMetric : x.trainMetric },
      { epoch: x.epoch, series: 'test (pruned)', value: x.metric === 'accuracy' ? 100 * x.testMetric : x.testMetric },
    ]);
    const yTitle = epochs[0]?.metric === 'accuracy' ? 'accuracy %' : (epochs[0]?.metric ?? '');
    for (const [suffix, values, title, y] of [
      ['sparsity', sparsity, `${e.title}: density and neurons kept`, '% of total'],
      ['metric', metric, `${e.title}: ${yTitle} per epoch`, yTitle],
    ] as const) {
      const accuracy = epochs[0]?.metric === 'accuracy';
      // Accuracy lives in the top few per cent: an axis from zero would flatten every curve into one line.
      const scale = suffix === 'sparsity' ? 'zero' : accuracy ? 'fit' : 'log';
      const spec = lineChart(values, title, y, scale, epochs.find((x) => x.phase === 'finetune')?.epoch);
      const view = new vega.View(vega.parse(spec as never), { renderer: 'none' });
      writeFileSync(join(DOCS, 'results', `${e.name}-${suffix}.svg`), await view.toSVG());
      view.finalize();
    }
  }
}

/** `finetuneFrom`: the first fine-tuning epoch, marked with a dashed rule. */
function lineChart(
  values: { epoch: number; series: string; value: number }[],
  title: string,
  yTitle: string,
  scale: 'zero' | 'fit' | 'log',
  finetuneFrom?: number,
): object {
  const marker =
    finetuneFrom === undefined
      ? []
      : [
          {
            type: 'rule',
            encode: {
              enter: {
                x: { scale: 'x', value: finetuneFrom - 0.5 },
                y: { value: 0 },
                y2: { signal: 'height' },
                stroke: { value: '#888' },
                strokeDash: { value: [4, 3] },
              },
            },
          },
          {
            type: 'text',
            encode: {
              enter: {
                x: { scale: 'x', value: finetuneFrom - 0.5 },
                dx: { value: 3 },
                y: { value: 10 },
                text: { value: 'fine-tune' },
                fill: { value: '#666' },
                fontSize: { value: 10 },
              },
            },
          },
        ];
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    width: 420,
    height: 220,
    padding: 8,
    background: 'white',
    title: { text: title, fontSize: 13 },
    data: [{ name: 'table', values }],
    scales: [
      { name: 'x', type: 'linear', domain: { data: 'table', field: 'epoch' }, range: 'width', nice: false, zero: false },
      { name: 'y', type: scale === 'log' ? 'log' : 'linear', domain: { data: 'table', field: 'value' }, range: 'height', nice: true, zero: scale === 'zero' },
      { name: 'color', type: 'ordinal', domain: { data: 'table', field: 'series' }, range: 'category' },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'epoch', tickMinStep: 1 },
      { orient: 'left', scale: 'y', title: yTitle, grid: true },
    ],
    legends: [{ stroke: 'color', orient: 'right', title: null }],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'series', data: 'table', groupby: 'series' } },
        marks: [
          {
            type: 'line',
            from: { data: 'series' },
            encode: {
              enter: {
                x: { scale: 'x', field: 'epoch' },
                y: { scale: 'y', field: 'value' },
                stroke: { scale: 'color', field: 'series' },
                strokeWidth: { value: 2 },
              },
            },
          },
        ],
      },
      ...marker,
    ],
  };
}

function writeResults(rows: Record<string, Row>): void {
  writeFileSync(STORE, JSON.stringify(rows, null, 2) + '\n');
  const table = [
    '| experiment (seed settings l1 l2 λ keep threshold) | reference (panweihit/DropNeuron script headers) | ours: metric before → after pruning; weights kept (compression); neurons kept (inputs, layers…) | run: command · backend · epochs · wall time · date |',
    '|---|---|---|---|',
    ...EXPERIMENTS.map((e) => {
      const r = rows[e.name];
      const ours = r
        ? `${metricText(r.metric, r.beforePrune)} → ${metricText(r.metric, r.afterPrune)}; ${pct(r.weightsKept / r.weightsTotal)} kept (${r.compression.toFixed(1)}×); ${r.neurons}${r.extra ? `; ${r.extra}` : ''}`
        : 'not run yet';
      const how = r ? `\`${r.command}\` · ${r.backend} · ${r.epochs}/${r.specEpochs} epochs · ${(r.seconds / 60).toFixed(1)} min · ${r.date}` : '';
      return `| ${e.title} (${e.seed}) | ${e.reference} | ${ours} | ${how} |`;
    }),
    '',
    ...EXPERIMENTS.filter((e) => rows[e.name] && existsSync(join(DOCS, 'results', `${e.name}-metric.svg`))).map(
      (e) => `**${e.title}**\n\n![${e.title}: density and neurons kept](results/${e.name}-sparsity.svg) ![${e.title}: metric](results/${e.name}-metric.svg)\n`,
    ),
  ].join('\n');
  const path = join(DOCS, 'results.md');
  const doc = readFileSync(path, 'utf8');
  const start = '<!-- results:start (npm run reproduce) -->';
  const end = '<!-- results:end -->';
  writeFileSync(path, doc.slice(0, doc.indexOf(start) + start.length) + '\n\n' + table + '\n' + doc.slice(doc.indexOf(end)));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { epochs: { type: 'string' }, from: { type: 'string' } } });
  const which = positionals[0];
  const selected = which === 'all' ? EXPERIMENTS : EXPERIMENTS.filter((e) => e.name === which);
  const usage = 'usage: npm run reproduce -- NAME [--epochs N] | all | NAME --from RUN_DIR';
  if (!which || selected.length === 0) {
    console.error(`${usage}\nexpected NAME among: ${EXPERIMENTS.map((e) => e.name).join(', ')}, found ${which ?? 'none'}`);
    process.exit(2);
  }
  if (values.from !== undefined && (which === 'all' || values.epochs !== undefined)) {
    console.error(
      `${usage}\nexpected --from with one NAME and no --epochs (the run folder says how long it ran), found ${which === 'all' ? 'all' : '--epochs'}`,
    );
    process.exit(2);
  }
  const epochs = values.epochs ? Number(values.epochs) : undefined;
  for (const e of selected) {
    let row: Row;
    try {
      row = values.from !== undefined ? await record(e, values.from) : await run(e, epochs);
    } catch (error) {
      console.error(`reproduce: ${(error as Error).message}`);
      process.exit(1);
    }
    // Read the store again now: another reproduce run may have recorded its row while this one trained.
    const rows = existsSync(STORE) ? (JSON.parse(readFileSync(STORE, 'utf8')) as Record<string, Row>) : {};
    rows[e.name] = row;
    writeResults(rows);
    console.log(`${e.name}: recorded in docs/results.md`);
  }
}

void main();
