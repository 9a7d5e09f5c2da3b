/**
 * What the stats panel shows, as a pure function of the trainer events so far. The webview renders this
 * state; the tests feed it recorded event streams. No DOM, no VS Code.
 */
import {
  isInterruption,
  penaltyOf,
  type AutoStrength,
  type DoneEvent,
  type EpochEvent,
  type Metric,
  type PruningDamage,
  type StartEvent,
  type Summary,
  type TrainerEvent,
} from '../../protocol/events.ts';
import { formatBackend, formatMetric, keptNeurons, summaryKept, type KeptNeurons } from '../../protocol/present.ts';

export interface EpochRow {
  epoch: number;
  /** `finetune` once the network is pruned and only its survivors train. */
  phase: 'train' | 'finetune';
  seconds: number;
  dataLoss: number;
  /** The penalty terms' sum (l1, l2, DropNeuron …: PENALTY_TERMS). */
  penalty: number;
  trainMetric: number;
  /** On the test set, pruned at the threshold. */
  testMetric: number;
  /** On the test set, before pruning (absent in runs recorded before the trainer sent it). */
  testMetricUnpruned?: number;
  /** On the validation rows, pruned at the threshold (absent without validation). */
  validationMetric?: number;
  /** `dropneuron auto`'s search after this epoch (absent for a fixed λ). */
  auto?: AutoStrength;
  density: number;
  compression: number;
  kept: Record<string, number>;
}

export interface LayerBar extends KeptNeurons {
  name: string;
  kind: string;
}

/** The neurons' largest |incoming weight| before pruning, and the threshold they were pruned at. */
export interface NormsView {
  epoch: number;
  threshold: number;
  byLayer: Record<string, number[]>;
}

export interface StatsState {
  title: string;
  /** `interrupted`: no final event, and no trainer runs it any more (the host says so). */
  status: 'waiting' | 'running' | 'done' | 'stopped' | 'error' | 'interrupted';
  model?: string;
  /** Where the run trains, as people read it: `wasm`, `webgpu (NVIDIA …)`. */
  backend?: string;
  metric?: Metric;
  epochs?: number;
  batch?: number;
  params?: number;
  settings?: StartEvent['settings'];
  /** Training rows held out as the validation set (absent or 0: none). */
  validationSamples?: number;
  /** Settings this run took instead of the spec's, by the spec's names. */
  overrides?: Record<string, number | string>;
  /** A run from a spec's `weights` file: those weights' test metric before training (the reference line). */
  imported?: NonNullable<StartEvent['imported']>;
  rows: EpochRow[];
  layers: LayerBar[];
  mask?: { shape: [number, number]; bits: string };
  /** The inputs kept, and their names when the data names them (a CSV's columns). */
  inputs?: { kept: number; total: number; names?: string[] };
  norms?: NormsView;
  summary?: Summary;
  /** What pruning cost, when it cost more than the run's tolerance: the panel must not look like a success. */
  damage?: PruningDamage;
  outputs?: DoneEvent['outputs'];
  error?: string;
}

/**
 * The run's metric in a chart's caption, at a sentence's start (`Accuracy`) or within one (`accuracy`); an error is
 * its abbreviation (`MSE`, `NMSE`). Before the run's start event says which metric it reports: `Metric`, `metric`.
 */
export function metricWord(metric: Metric | undefined, atStart: boolean): string {
  if (metric === 'accuracy') return atStart ? 'Accuracy' : 'accuracy';
  if (metric === undefined) return atStart ? 'Metric' : 'metric';
  return metric.toUpperCase();
}

export function initialState(title = 'DropNeuron'): StatsState {
  return { title, status: 'waiting', rows: [], layers: [] };
}

export function reduce(state: StatsState, event: TrainerEvent): StatsState {
  switch (event.type) {
    case 'start':
      return fromStart(state, event);
    case 'epoch':
      return fromEpoch(state, event);
    case 'done': {
      const next: StatsState = {
        ...state,
        status: event.stopped ? 'stopped' : 'done',
        summary: event.summary,
        outputs: event.outputs,
        inputs: withNames(event.summary.inputs, event.summary.keptInputNames),
        layers: summaryKept(event.summary),
      };
      // One count of the inputs whatever the run's state: the summary's picture, or none when only an earlier
      // epoch's is known and it counts otherwise (a run stopped mid-epoch, recorded before summaries carried one).
      if (event.summary.inputMask) next.mask = event.summary.inputMask;
      else if (next.mask && [...next.mask.bits].filter((b) => b === '1').length !== event.summary.inputs.kept) delete next.mask;
      if (event.summary.damage?.exceeded) next.damage = event.summary.damage;
      else delete next.damage;
      return next;
    }
    case 'error':
      // A killed trainer's run is interrupted (Resume continues it), not failed: the panel says which epoch it reached.
      if (isInterruption(event)) return { ...state, status: 'interrupted' };
      return { ...state, status: 'error', error: event.message + (event.stderrTail ? `\n${event.stderrTail}` : '') };
  }
}

/** The inputs' counts with their names, when the event names them and they are as many as it counts. */
function withNames(inputs: { kept: number; total: number }, names: string[] | undefined): NonNullable<StatsState['inputs']> {
  return names && names.length === inputs.kept ? { kept: inputs.kept, total: inputs.total, names } : { kept: inputs.kept, total: inputs.total };
}

function fromStart(state: StatsState, e: StartEvent): StatsState {
  const next: StatsState = {
    ...state,
    status: 'running',
    model: e.model,
    backend: formatBackend(e),
    metric: e.metric,
    epochs: e.epochs,
    batch: e.batch,
    params: e.params,
    settings: e.settings,
  };
  if (e.overrides) next.overrides = e.overrides;
  if (e.validationSamples) next.validationSamples = e.validationSamples;
  // A resumed part's start has none: the run's first start said it, and it stays the reference.
  if (e.imported) next.imported = e.imported;
  return next;
}

/** The metric chart's reference line: the imported model's test metric before training, at every epoch, and its label. */
export interface ReferenceLine {
  label: string;
  /** The imported model's metric (a share for accuracy), once per epoch the chart shows. */
  values: number[];
}

/**
 * The reference line of a run that started from imported weights (none for any other run): what the imported model
 * scored on the test set before DropNeuron trained it, level across the epochs, labelled with its value, so that
 * the test curves read as better or worse than the model the user brought.
 */
export function referenceLine(s: StatsState): ReferenceLine | undefined {
  if (!s.imported) return undefined;
  const value = s.imported.value;
  return { label: `imported model, before training (${formatMetric(s.metric, value)})`, values: s.rows.map(() => value) };
}

function fromEpoch(state: StatsState, e: EpochEvent): StatsState {
  const row: EpochRow = {
    epoch: e.epoch,
    phase: e.phase ?? 'train',
    seconds: e.seconds,
    dataLoss: e.loss.data,
    penalty: penaltyOf(e.loss),
    trainMetric: e.trainMetric,
    testMetric: e.testMetric,
    density: e.density,
    compression: e.compression,
    kept: Object.fromEntries(e.layers.map((l) => [l.name, l.kept])),
  };
  if (e.testMetricUnpruned !== undefined) row.testMetricUnpruned = e.testMetricUnpruned;
  if (e.validationMetric !== undefined) row.validationMetric = e.validationMetric;
  if (e.auto) row.auto = e.auto;
  const next: StatsState = {
    ...state,
    status: 'running',
    metric: e.metric,
    epochs: e.epochs,
    rows: [...state.rows.filter((r) => r.epoch !== e.epoch), row].sort((a, b) => a.epoch - b.epoch),
    layers: e.layers.map((l) => ({ name: l.name, kind: l.kind, ...keptNeurons(l) })),
    inputs: withNames({ kept: e.inputsKept, total: e.inputsTotal }, e.keptInputNames),
  };
  if (e.inputMask) next.mask = e.inputMask;
  // The picture before pruning: once the network is pruned (fine-tuning) the cut neurons are all zero, so
  // the histogram keeps the last training epoch's norms.
  if (e.neuronNorms && (row.phase === 'train' || !state.norms))
    next.norms = { epoch: e.epoch, threshold: state.settings?.threshold ?? 0, byLayer: e.neuronNorms };
  return next;
}

/** A run's state from its events; `interrupted` when the host knows no trainer runs it any more. */
export function replay(events: readonly TrainerEvent[], title?: string, interrupted = false): StatsState {
  const state = events.reduce(reduce, initialState(title));
  return interrupted && (state.status === 'running' || state.status === 'waiting') ? { ...state, status: 'interrupted' } : state;
}

/** A stage of `dropneuron auto`'s search, as the panel names it. */
export type AutoStage = AutoStrength['stage'];

export const STAGE_LABELS: Record<AutoStage, string> = {
  reference: 'reference (no penalty)',
  search: 'search (raising λ)',
  inputs: 'inputs (raising the input groups’ λ)',
  hold: 'hold',
  finetune: 'fine-tune (mask fixed)',
};

/** Consecutive epochs that trained in one stage of the search: what the charts shade. */
export interface StageSpan {
  stage: AutoStage;
  first: number;
  last: number;
}

/** What the panel draws of a `dropneuron auto` run: per epoch, the strength, the validation metric and the band. */
export interface AutoView {
  epochs: number[];
  /** The stage each epoch trained in. */
  stages: AutoStage[];
  spans: StageSpan[];
  /** The DropNeuron λ each epoch trained with; null where it was 0 (a log axis has no 0: reference, fine-tuning). */
  lambda: (number | null)[];
  /**
   * The input groups' λ each epoch trained with (λ × `inputs_weight` × the search's multiplier); undefined when it
   * was λ itself throughout (no `inputs` stage raised it, no `inputs_weight`).
   */
  inputsLambda?: (number | null)[];
  validation: (number | null)[];
  /** The band: the reference validation metric and the edge pruning may reach, once measured (null before). */
  reference: (number | null)[];
  floor: (number | null)[];
  /** The λ the run settled on (the summary's), else the one the next epoch trains with (a run still searching). */
  lambdaNow?: number;
  /** Whether `lambdaNow` is the run's final answer. */
  settled: boolean;
  /** The settings that reproduce the run with a fixed λ (the summary's): what "Use these settings" writes. */
  settings?: Record<string, number>;
}

/**
 * The stage an epoch trained in. A record says where the search stands *after* its epoch (the last reference
 * epoch's already says `search`), so an epoch trained in the stage its predecessor's record names; the first
 * epoch in the reference stage, fine-tuning epochs in theirs.
 */
function stageOf(rows: readonly EpochRow[], i: number): AutoStage | undefined {
  const row = rows[i]!;
  if (!row.auto) return undefined;
  if (row.phase === 'finetune' || row.auto.stage === 'finetune') return 'finetune';
  const before = rows[i - 1];
  if (before?.auto && before.epoch === row.epoch - 1) return before.auto.stage;
  return row.auto.lambda === 0 ? 'reference' : row.auto.stage;
}

/** The auto run's charts, or undefined for a run with a fixed λ (no epoch carries a search record). */
export function autoView(s: StatsState): AutoView | undefined {
  const rows = s.rows.filter((r) => r.auto);
  if (!rows.length && !s.summary?.auto) return undefined;
  const stages = rows.map((_, i) => stageOf(rows, i)!);
  const spans: StageSpan[] = [];
  rows.forEach((r, i) => {
    const last = spans.at(-1);
    if (last && last.stage === stages[i] && last.last === r.epoch - 1) last.last = r.epoch;
    else spans.push({ stage: stages[i]!, first: r.epoch, last: r.epoch });
  });
  const final = s.summary?.auto;
  const next = rows.at(-1)?.auto?.next;
  const view: AutoView = {
    epochs: rows.map((r) => r.epoch),
    stages,
    spans,
    lambda: rows.map((r) => (r.auto!.lambda > 0 ? r.auto!.lambda : null)),
    validation: rows.map((r) => r.validationMetric ?? null),
    reference: rows.map((r) => r.auto!.reference ?? null),
    floor: rows.map((r) => r.auto!.floor ?? null),
    settled: !!final,
  };
  const weight = s.settings?.inputsWeight ?? 1;
  const inputsLambda = rows.map((r) => (r.auto!.lambda > 0 ? r.auto!.lambda * weight * (r.auto!.inputs ?? 1) : null));
  if (inputsLambda.some((v, i) => v !== view.lambda[i])) view.inputsLambda = inputsLambda;
  if (final) view.lambdaNow = final.lambda;
  else if (next !== undefined && next > 0) view.lambdaNow = next;
  if (final && Object.keys(final.settings).length) view.settings = final.settings;
  return view;
}

/** Log-spaced histogram bins of the norms (a zero norm, a neuron already cut, counts in the lowest bin). */
export interface NormBins {
  /** log10 of each bin's lower edge; bins are `width` wide. */
  edges: number[];
  width: number;
  /** Per layer, the count in each bin. */
  counts: Record<string, number[]>;
  /** Neurons whose norm is ≥ the threshold (they survive pruning), of all. */
  above: number;
  total: number;
}

export function normBins(norms: NormsView, binsPerDecade = 4): NormBins {
  const all = Object.values(norms.byLayer).flat();
  const positive = all.filter((v) => v > 0);
  const logs = [...positive.map(Math.log10), ...(norms.threshold > 0 ? [Math.log10(norms.threshold)] : [])];
  const width = 1 / binsPerDecade;
  const lo = logs.length ? Math.floor(Math.min(...logs) / width) * width - width : -3;
  const hi = logs.length ? Math.ceil(Math.max(...logs) / width) * width + width : 0;
  const n = Math.max(1, Math.round((hi - lo) / width));
  const edges = Array.from({ length: n }, (_, i) => lo + i * width);
  const counts: Record<string, number[]> = {};
  for (const [name, values] of Object.entries(norms.byLayer)) {
    const c = new Array<number>(n).fill(0);
    for (const v of values) {
      const i = v > 0 ? Math.min(n - 1, Math.max(0, Math.floor((Math.log10(v) - lo) / width))) : 0;
      c[i]!++;
    }
    counts[name] = c;
  }
  return { edges, width, counts, above: all.filter((v) => v >= norms.threshold).length, total: all.length };
}
