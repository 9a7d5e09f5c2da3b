import type { CheckedLayer } from '../../language/index.ts';
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
 * The seed's statistics on (already pruned) weights: density per layer (nonzero / size), neurons kept
 * per layer — a hidden layer keeps min(nonzero columns of its W, nonzero rows of the next W) when the
 * next weighted layer reads it directly — and the inputs kept (nonzero rows of the first W).
 */
export function layerStats(layers: readonly LayerWeights[]): { layers: LayerEpochStats[]; inputs: { kept: number; total: number; mask: boolean[] } } {
  const groups = layers.map((l) => liveGroups(l.layer, l.w));
  const stats = layers.map(({ layer, w }, i): LayerEpochStats => {
    const g = groups[i]!;
    const next = layers[i + 1];
    const aliveIn = count(g.cols);
    const aliveOut = count(g.rows);
    // The next W's rows are this layer's neurons only when nothing reshapes in between.
    const direct = next && next.layer.weightShape![next.layer.weightShape!.length - 2] === g.cols.length && next.layer.kind === layer.kind;
    const kept = direct ? Math.min(aliveIn, count(groups[i + 1]!.rows)) : aliveIn;
    let nonzero = 0;
    for (const v of w) if (v !== 0) nonzero++;
    return {
      name: layer.name,
      kind: layer.kind,
      units: g.cols.length,
      inputs: g.rows.length,
      aliveIn,
      aliveOut,
      kept,
      weightsKept: nonzero,
      weightsTotal: w.length,
      density: w.length ? nonzero / w.length : 0,
    };
  });
  const first = groups[0];
  return { layers: stats, inputs: first ? { kept: count(first.rows), total: first.rows.length, mask: first.rows } : { kept: 0, total: 0, mask: [] } };
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
