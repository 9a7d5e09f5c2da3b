/**
 * How trainer results read, everywhere they are shown (CLI, status bar, notifications, panel, views, hovers,
 * inlay hints, LSP progress): one precision per kind of number and one shape for kept neurons.
 */
import type { EpochEvent, GpuAdapter, LayerEpochStats, Metric, Summary } from './events.ts';

/** Neurons a layer kept, in the one shape every view uses. */
export interface KeptNeurons {
  kept: number;
  total: number;
  density: number;
}

/** 0.98271 → "98.27 %". */
export function formatPercent(share: number, digits = 2): string {
  return `${(100 * share).toFixed(digits)} %`;
}

/** A metric value as people read it: accuracy as a percentage, errors (NMSE, MSE) in scientific notation. */
export function formatMetric(metric: Metric | undefined, value: number): string {
  return metric === 'accuracy' ? formatPercent(value) : value.toExponential(3);
}

/** "accuracy 98.27 %", "nmse 1.234e-2": the metric with its name, for one-line statuses. */
export function formatNamedMetric(metric: Metric, value: number): string {
  return `${metric} ${formatMetric(metric, value)}`;
}

/** 21.1 → "21.1×". */
export function formatCompression(compression: number | null): string {
  // Runs recorded before every weight pruned had a finite compression carry null (JSON's Infinity) here.
  return compression === null || !Number.isFinite(compression) ? '∞×' : `${compression.toFixed(1)}×`;
}

/** "epochs 1, learning_rate 0.005": a run's overrides by the spec's names; empty when there are none. */
export function formatOverrides(overrides: Readonly<Record<string, number | string>> | undefined, separator = ', '): string {
  return Object.entries(overrides ?? {})
    .map(([name, value]) => `${name} ${value}`)
    .join(separator);
}

/** A GPU's name as its driver gives it: "NVIDIA GeForce RTX 4090", "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)". */
export function adapterName(a: GpuAdapter): string {
  return a.description || [a.vendor, a.device].filter(Boolean).join(' ') || 'an unnamed adapter';
}

/** "NVIDIA GeForce RTX 4090", "llvmpipe: Mesa 25.0.7 (software)": a GPU, and whether it is really the CPU. */
export function formatAdapter(a: GpuAdapter): string {
  return `${adapterName(a)}${a.software ? ' (software)' : ''}`;
}

/** "webgpu · NVIDIA GeForce RTX 4090", "wasm": where a run trains. */
export function formatBackend(start: { backend: string; adapter?: GpuAdapter | undefined }): string {
  return start.adapter ? `${start.backend} · ${formatAdapter(start.adapter)}` : start.backend;
}

/** Epoch progress of a run, 0–100. */
export function epochPercent(event: Pick<EpochEvent, 'epoch' | 'epochs'>): number {
  return event.epochs ? (100 * event.epoch) / event.epochs : 0;
}

type SummaryLayer = Summary['layers'][number];

/** Kept neurons of a layer, from a run's summary or from an epoch event: the one shape views use. */
export function keptNeurons(layer: SummaryLayer | LayerEpochStats): KeptNeurons {
  return 'neuronsKept' in layer
    ? { kept: layer.neuronsKept, total: layer.neuronsTotal, density: layer.density }
    : { kept: layer.kept, total: layer.units, density: layer.density };
}

/** "fc1 83/300 fc2 41/100": each layer's kept neurons, for one-line statuses. */
export function formatKeptLayers(layers: readonly LayerEpochStats[], separator = ' '): string {
  return layers.map((l) => `${l.name} ${l.kept}/${l.units}`).join(separator);
}

/**
 * A run's kept neurons per layer: the summary's when it finished, else the last epoch's. What hover, inlay
 * hints and the Layers view show after a run.
 */
export function keptByLayer(run: { done?: { summary: Summary }; lastEpoch?: EpochEvent } | undefined): Map<string, KeptNeurons> {
  const layers: readonly (SummaryLayer | LayerEpochStats)[] = run?.done?.summary.layers ?? run?.lastEpoch?.layers ?? [];
  return new Map(layers.map((l) => [l.name, keptNeurons(l)]));
}
