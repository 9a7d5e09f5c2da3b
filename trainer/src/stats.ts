import type { CheckedLayer, CheckedModel } from '../../language/index.ts';
import { countKept } from '../../protocol/kept.ts';
import { keptOf } from './compact.ts';
import type { LayerEpochStats } from '../../protocol/events.ts';
import type { LayerWeights } from './layerWeights.ts';

/** For W viewed as [rows, cols] (a conv kernel as [kh·kw·in, out] grouped by in): which rows / columns are not all zero. */
export function liveGroups(layer: CheckedLayer, w: Float32Array): { rows: boolean[]; cols: boolean[] } {
  const shape = layer.weightShape!;
  const cols = shape[shape.length - 1]!;
  const rowsCount = shape[shape.length - 2]!;
  const rows = new Array<boolean>(rowsCount).fill(false);
  const colLive = new Array<boolean>(cols).fill(false);
  // Flat index = ((k * in) + i) * out + j for conv (k over the kh·kw window), i * out + j for dense.
  for (let idx = 0; idx < w.length; idx++) {
    if (w[idx] === 0) continue;
    const j = idx % cols;
    const i = Math.floor(idx / cols) % rowsCount;
    rows[i] = true;
    colLive[j] = true;
  }
  return { rows, cols: colLive };
}

const count = (xs: boolean[]): number => xs.reduce((n, x) => n + (x ? 1 : 0), 0);

/**
 * The inputs a layer reads from the kept units before it, counted as its rows are: one for one, or after a flatten
 * (a conv's channels into a dense layer) each kept channel at every spatial position, as the compact model keeps it.
 */
function readFrom(units: readonly boolean[], rows: number): number {
  return countKept(units) * (rows / units.length);
}

/**
 * The statistics of (already pruned) weights: density per layer (nonzero / size), the neurons kept per layer and
 * the inputs kept, both by the one rule of kept (`protocol/kept.ts`, what the compact model keeps: a neuron
 * nothing kept reads, or one nothing feeds whose constant folds into the next bias, is not kept), so a layer's
 * kept count is its size in the compact model and in the pruned spec. `aliveIn` and `aliveOut` stay the raw
 * nonzero columns and rows of each W.
 */
export function layerStats(
  model: CheckedModel,
  layers: readonly LayerWeights[],
): { layers: LayerEpochStats[]; inputs: { kept: number; total: number; mask: boolean[] } } {
  const groups = layers.map((l) => liveGroups(l.layer, l.w));
  const kept = keptOf(model, layers);
  // Without a dense first layer on flat inputs the compact model reads every input (a conv's input channels).
  const inputs = kept.inputs ?? new Array<boolean>(groups[0]?.rows.length ?? 0).fill(true);
  const stats = layers.map(({ layer, w }, i): LayerEpochStats => {
    const g = groups[i]!;
    let nonzero = 0;
    for (const v of w) if (v !== 0) nonzero++;
    return {
      name: layer.name,
      kind: layer.kind,
      units: g.cols.length,
      inputs: g.rows.length,
      aliveIn: count(g.cols),
      aliveOut: count(g.rows),
      kept: countKept(kept.units[i]!),
      inputsRead: i === 0 ? countKept(inputs) : kept.links[i - 1] ? readFrom(kept.units[i - 1]!, g.rows.length) : count(g.rows),
      weightsKept: nonzero,
      weightsTotal: w.length,
      density: w.length ? nonzero / w.length : 0,
    };
  });
  return { layers: stats, inputs: { kept: countKept(inputs), total: inputs.length, mask: inputs } };
}

/**
 * Weights kept of all, density and compression (total / kept). When every weight was pruned the compression
 * is total / 1, the most any pruning can reach, never Infinity: JSON would carry it as null and every reader
 * of the events would have to guess. The summary's `collapsed` says that the network collapsed.
 */
export function totals(stats: LayerEpochStats[]): { kept: number; total: number; density: number; compression: number } {
  const kept = stats.reduce((s, l) => s + l.weightsKept, 0);
  const total = stats.reduce((s, l) => s + l.weightsTotal, 0);
  return { kept, total, density: total ? kept / total : 0, compression: total ? total / Math.max(kept, 1) : 1 };
}
