/**
 * What the stats panel shows, as a pure function of the trainer events so far. The webview renders this
 * state; the tests feed it recorded event streams. No DOM, no VS Code.
 */
import type { DoneEvent, EpochEvent, Metric, StartEvent, Summary, TrainerEvent } from '../../protocol/events.ts';
import { formatBackend, keptNeurons, type KeptNeurons } from '../../protocol/present.ts';

export interface EpochRow {
  epoch: number;
  /** `finetune` once the network is pruned and only its survivors train. */
  phase: 'train' | 'finetune';
  seconds: number;
  dataLoss: number;
  penalty: number;
  trainMetric: number;
  testMetric: number;
  density: number;
  compression: number;
  kept: Record<string, number>;
}

export interface LayerBar extends KeptNeurons {
  name: string;
  kind: string;
}

export interface StatsState {
  title: string;
  status: 'waiting' | 'running' | 'done' | 'stopped' | 'error';
  model?: string;
  /** Where the run trains, as people read it: `wasm`, `webgpu (NVIDIA …)`. */
  backend?: string;
  metric?: Metric;
  epochs?: number;
  /** Settings this run took instead of the spec's, by the spec's names. */
  overrides?: Record<string, number | string>;
  rows: EpochRow[];
  layers: LayerBar[];
  mask?: { shape: [number, number]; bits: string };
  inputs?: { kept: number; total: number };
  summary?: Summary;
  outputs?: DoneEvent['outputs'];
  error?: string;
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
    case 'done':
      return {
        ...state,
        status: event.stopped ? 'stopped' : 'done',
        summary: event.summary,
        outputs: event.outputs,
        inputs: event.summary.inputs,
        layers: event.summary.layers.map((l) => ({ name: l.name, kind: l.kind, ...keptNeurons(l) })),
      };
    case 'error':
      return { ...state, status: 'error', error: event.message + (event.stderrTail ? `\n${event.stderrTail}` : '') };
  }
}

function fromStart(state: StatsState, e: StartEvent): StatsState {
  const next: StatsState = { ...state, status: 'running', model: e.model, backend: formatBackend(e), metric: e.metric, epochs: e.epochs };
  if (e.overrides) next.overrides = e.overrides;
  return next;
}

function fromEpoch(state: StatsState, e: EpochEvent): StatsState {
  const row: EpochRow = {
    epoch: e.epoch,
    phase: e.phase ?? 'train',
    seconds: e.seconds,
    dataLoss: e.loss.data,
    penalty: e.loss.l1 + e.loss.l2 + e.loss.dropneuron,
    trainMetric: e.trainMetric,
    testMetric: e.testMetric,
    density: e.density,
    compression: e.compression,
    kept: Object.fromEntries(e.layers.map((l) => [l.name, l.kept])),
  };
  const next: StatsState = {
    ...state,
    status: 'running',
    metric: e.metric,
    epochs: e.epochs,
    rows: [...state.rows.filter((r) => r.epoch !== e.epoch), row].sort((a, b) => a.epoch - b.epoch),
    layers: e.layers.map((l) => ({ name: l.name, kind: l.kind, ...keptNeurons(l) })),
    inputs: { kept: e.inputsKept, total: e.inputsTotal },
  };
  if (e.inputMask) next.mask = e.inputMask;
  return next;
}

export function replay(events: readonly TrainerEvent[], title?: string): StatsState {
  return events.reduce(reduce, initialState(title));
}
