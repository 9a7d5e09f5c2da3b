/**
 * How trainer results read, everywhere they are shown (CLI, status bar, notifications, panel, views, hovers,
 * inlay hints, LSP progress): one precision per kind of number and one shape for kept neurons.
 */
import type { EpochEvent, ExportedFile, GpuAdapter, LayerEpochStats, Metric, Summary } from './events.ts';

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

// The panel's numbers: grouped thousands and only the precision a value needs. One locale, the UI's language,
// so a number reads the same in every view and test.
const LOCALE = 'en-US';
const COUNT = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const TWO_SIGNIFICANT = new Intl.NumberFormat(LOCALE, { maximumSignificantDigits: 2 });

/** 19337 → "19,337". */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/**
 * A share with the precision it needs, never rounded to a misleading zero: 0.5832 → "58.3 %", 0.0003 →
 * "0.03 %", 0 → "0 %", 1 → "100 %". For densities, kept neurons and inputs (accuracy keeps `formatPercent`).
 */
export function formatShare(share: number): string {
  const pct = 100 * share;
  if (pct === 0 || pct === 100) return `${pct} %`;
  if (Math.abs(pct) < 1) return `${TWO_SIGNIFICANT.format(pct)} %`;
  // Just under 100 % gets the decimals that keep it under: 99.96 % is not "100.0 %".
  for (let digits = 1; digits < 4; digits++) {
    const text = digits === 1 ? ONE_DECIMAL.format(pct) : pct.toFixed(digits);
    if (pct >= 100 || Number(text.replace(/,/g, '')) < 100) return `${text} %`;
  }
  return `${pct.toFixed(4)} %`;
}

/** "55 of 64 (85.9 %)": a part of a whole, grouped, with its share. */
export function formatPart(kept: number, total: number): string {
  return `${formatCount(kept)} of ${formatCount(total)}${total ? ` (${formatShare(kept / total)})` : ''}`;
}

/** A metric value as people read it: accuracy as a percentage, errors (NMSE, MSE) in scientific notation. */
export function formatMetric(metric: Metric | undefined, value: number): string {
  return metric === 'accuracy' ? formatPercent(value) : value.toExponential(3);
}

/** "accuracy 98.27 %", "nmse 1.234e-2": the metric with its name, for one-line statuses. */
export function formatNamedMetric(metric: Metric, value: number): string {
  return `${metric} ${formatMetric(metric, value)}`;
}

/** 21.1 → "21.1×", 25408 → "25,408.0×". */
export function formatCompression(compression: number | null): string {
  // Runs recorded before every weight pruned had a finite compression carry null (JSON's Infinity) here.
  return compression === null || !Number.isFinite(compression) ? '∞×' : `${ONE_DECIMAL.format(compression)}×`;
}

/**
 * 2.1 → "2.1× fewer non-zero weights": the sparse-weight figure (all weights / non-zero weights of the pruned
 * model), named for what it counts. The model the user gets is the compact one, whose size `formatCompactSize` says.
 */
const THOUSANDS = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

/** 1234 → "1,234 params", 210210 → "210k params", 1234567 → "1.23M params": a model's size in a few characters (the Runs view, the status bar). */
export function formatParamsShort(params: number): string {
  return `${params < 10_000 ? formatCount(params) : THOUSANDS.format(params).replace('K', 'k')} params`;
}

export function formatSparseWeights(compression: number | null): string {
  return `${formatCompression(compression)} fewer non-zero weights`;
}

/** 840840 → "821 KB", 512 → "512 bytes": a file's size in the binary units file managers show. */
export function formatBytes(bytes: number): string {
  const units = ['KB', 'MB', 'GB'];
  if (bytes < 1024) return `${formatCount(bytes)} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit + 1 < units.length) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? ONE_DECIMAL.format(value) : formatCount(value)} ${units[unit]}`;
}

/** The compact model's file in the run's own format (TensorFlow.js, its compact/ folder), else the first exported. */
export function compactFile(summary: Pick<Summary, 'exports'>): ExportedFile | undefined {
  return summary.exports?.find((f) => f.format === 'tfjs') ?? summary.exports?.[0];
}

/**
 * "210,210 parameters (78.8 % of 266,610) · 821 KB": the size of the model the user gets (the compact model's
 * parameters against the full model's, and its TensorFlow.js files' bytes), what a run's summary leads with in the
 * panel and the CLI.
 */
export function formatCompactSize(summary: Pick<Summary, 'compactParams' | 'fullParams' | 'exports'>): string {
  return `${formatCount(summary.compactParams)} parameters${formatCompactDetail(summary)}`;
}

/** " (78.8 % of 266,610) · 821 KB": what follows the compact model's parameter count (the panel's card shows the count apart). */
export function formatCompactDetail(summary: Pick<Summary, 'compactParams' | 'fullParams' | 'exports'>): string {
  const share = summary.fullParams ? ` (${formatShare(summary.compactParams / summary.fullParams)} of ${formatCount(summary.fullParams)})` : '';
  const file = compactFile(summary);
  return `${share}${file ? ` · ${formatBytes(file.bytes)}` : ''}`;
}

/**
 * "compact model 210,210 parameters (78.8 % of 266,610) · 821 KB · 2.1× fewer non-zero weights": a finished run's
 * sizes in one line, the compact model first (panel summary, CLI summary).
 */
export function formatSizeHeadline(summary: Pick<Summary, 'compactParams' | 'fullParams' | 'exports' | 'compression'>): string {
  return `compact model ${formatCompactSize(summary)} · ${formatSparseWeights(summary.compression)}`;
}

/** The inputs a run reads, by name, this many at most before "and N more": a card's label stays a line or two. */
export const INPUT_NAMES_SHOWN = 12;

/** ["age", "plan", "tenure"] → "age, plan, tenure"; past `INPUT_NAMES_SHOWN`, "…, and 88 more": a CSV's kept columns. */
export function formatInputNames(names: readonly string[]): string {
  const shown = names.slice(0, INPUT_NAMES_SHOWN).join(', ');
  return names.length > INPUT_NAMES_SHOWN ? `${shown}, and ${formatCount(names.length - INPUT_NAMES_SHOWN)} more` : shown;
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

/** "webgpu · NVIDIA GeForce RTX 4090", "wasm · 2 threads", "wasm": where a run trains. */
export function formatBackend(start: { backend: string; adapter?: GpuAdapter | undefined; threads?: number | undefined }): string {
  const where = start.adapter ? `${start.backend} · ${formatAdapter(start.adapter)}` : start.backend;
  return start.threads && start.threads > 1 ? `${where} · ${start.threads} threads` : where;
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
  if (run?.done) return new Map(summaryKept(run.done.summary).map((l) => [l.name, l]));
  return new Map((run?.lastEpoch?.layers ?? []).map((l) => [l.name, keptNeurons(l)]));
}

/**
 * A finished run's kept neurons per layer: each layer's size in its compact model, the model the user gets (0 for a
 * layer that lost every neuron, which the compact model holds as one zero placeholder). A run recorded since the
 * one rule of kept (`protocol/kept.ts`) says the same in `neuronsKept`; an older one counted otherwise there.
 */
export function summaryKept(summary: Pick<Summary, 'layers' | 'compactSizes' | 'collapsed'>): (KeptNeurons & { name: string; kind: string })[] {
  return summary.layers.map((l) => {
    const size = summary.collapsed.includes(l.name) ? 0 : summary.compactSizes[l.name];
    return { name: l.name, kind: l.kind, ...keptNeurons(l), ...(size !== undefined ? { kept: size } : {}) };
  });
}

/** 58.58 → "58.6 points": what pruning cost (see `Summary.damage`). */
export function formatPoints(points: number): string {
  return `${points.toFixed(points < 10 ? 2 : 1)} point${points === 1 ? '' : 's'}`;
}

/**
 * "pruning at threshold 0.1 cost 58.6 points: 88.16 % → 29.58 %": a run's pruning damage, the one sentence the
 * CLI, status bar, Shrink's confirmation and the panel's banner show. Undefined for a run recorded before the
 * verdict existed.
 */
export function formatDamage(summary: Pick<Summary, 'metric' | 'beforePrune' | 'afterPrune' | 'damage'>): string | undefined {
  const d = summary.damage;
  if (!d) return undefined;
  return `pruning at threshold ${d.threshold} cost ${formatPoints(d.cost)}: ${formatMetric(summary.metric, summary.beforePrune)} → ${formatMetric(summary.metric, summary.afterPrune)}`;
}

/** The two remedies for a run whose pruning cost more than its tolerance. */
export const DAMAGE_REMEDIES = 'train again with a lower `threshold` or a smaller `dropneuron` λ';

/**
 * "440-63-39": the inputs a run's pruned network still reads, then each hidden layer's kept neurons (the output
 * layer's size is the task's, so it is left out); how docs/results.md writes an architecture.
 */
export function formatKeptArchitecture(summary: Pick<Summary, 'inputs' | 'layers'>): string {
  return [summary.inputs.kept, ...summary.layers.slice(0, -1).map((l) => l.neuronsKept)].join('-');
}

/** "98.3 % · 440-63-39": a finished run in a few characters (the CodeLens above a model): its pruned metric and kept architecture. */
export function formatRunHeadline(summary: Pick<Summary, 'metric' | 'afterPrune' | 'inputs' | 'layers'>): string {
  const metric = summary.metric === 'accuracy' ? formatPercent(summary.afterPrune, 1) : formatMetric(summary.metric, summary.afterPrune);
  return `${metric} · ${formatKeptArchitecture(summary)}`;
}

/** 12.34 → "12.3 ms", 1.234 → "1.23 ms", 0.0456 → "0.046 ms": the inference latencies of the summary. */
export function formatMs(ms: number): string {
  return `${ms.toFixed(ms >= 10 ? 1 : ms >= 1 ? 2 : 3)} ms`;
}

/**
 * The summary's exported files and latency as lines: each format's compact size next to the full model's,
 * and the mean inference time of both at batch 1 and batch 256 (CLI summary, stats panel).
 */
export function formatExportLines(summary: Pick<Summary, 'exports' | 'exportError' | 'latency'>): string[] {
  const lines = (summary.exports ?? []).map(
    (f) => `${f.format}: ${formatCount(f.bytes)} bytes (full model ${formatCount(f.fullBytes)}, ${formatPercent(f.bytes / Math.max(f.fullBytes, 1), 1)})`,
  );
  if (summary.exportError) lines.push(`no ONNX or safetensors export: ${summary.exportError}`);
  const l = summary.latency;
  if (l) {
    lines.push(
      `inference on ${l.backend}, per call: batch 1 ${formatMs(l.compact.batch1Ms)} (full model ${formatMs(l.full.batch1Ms)}), ` +
        `batch ${l.batchSize} ${formatMs(l.compact.batchMs)} (full model ${formatMs(l.full.batchMs)})`,
    );
  }
  return lines;
}

/** A DropNeuron λ to three significant digits, as it reads and as a spec takes it: 0.0256, 0.000123. */
export function formatStrength(lambda: number): string {
  return String(Number(lambda.toPrecision(3)));
}

/** The backends as a report lists them: which load, in auto's order. */
interface BackendsSeen {
  auto?: string | undefined;
  backends: readonly { backend: string; loads: boolean }[];
}

/** The backend that trains what ort does not (lrn layers; momentum or rmsprop): the next in auto's order that loads. */
function afterOrt(report: BackendsSeen): string | undefined {
  return report.backends.slice(report.backends.findIndex((b) => b.backend === 'ort') + 1).find((b) => b.loads)?.backend;
}

/** What `auto` trains on, as the CLI and the editor say it: "ort (lrn layers, momentum and rmsprop on wasm)", "webgpu". */
export function formatAutoBackend(report: BackendsSeen): string | undefined {
  const others = afterOrt(report);
  return report.auto === 'ort' && others ? `ort (lrn layers, momentum and rmsprop on ${others})` : report.auto;
}

/** A backend that loads, in the CLI's table and the editor's picker: ort says what it takes. */
export function formatBackendReady(backend: string, report: BackendsSeen): string {
  return backend === 'ort' ? `ready for dense, conv and pooling layers with adam or sgd (others train on ${afterOrt(report) ?? 'the next backend'})` : 'ready';
}
