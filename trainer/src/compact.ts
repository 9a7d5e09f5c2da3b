import type { CheckedLayer, CheckedModel } from '../../language/index.ts';
import { activateScalar } from './network.ts';
import { liveGroups, type HostLayer } from './stats.ts';

export interface CompactModel {
  /** The compact layers: the same kinds, smaller sizes, weights with dropped rows and columns removed. */
  layers: HostLayer[];
  /** Sizes per named layer after removal (units or filters). */
  sizes: Record<string, number>;
  /** Input features still read, when the first layer is dense on a flat input; else undefined (all kept). */
  keptInputs?: number[];
  params: number;
  /** Layers (or 'inputs') that lost every neuron: each keeps one zero-weight placeholder so the model stays valid. */
  collapsed: string[];
}

/**
 * Removes every dropped neuron physically. Between two consecutive dense layers, neuron j of the first
 * goes when nothing reads it (row j of the next W is zero) or when nothing feeds it (column j of its W is
 * zero): then it emits the constant act(b_j), which is folded into the next layer's bias, so the outputs
 * do not change. Input features whose rows of the first W are zero are dropped and their indices kept.
 * Output units stay (they are the classes or targets). Conv channels and dense layers fed by a flatten
 * keep their sizes: removing those needs the spatial layout and is not done here.
 */
export function compact(model: CheckedModel, pruned: HostLayer[]): CompactModel {
  const layers: HostLayer[] = pruned.map((l) => ({ layer: { ...l.layer }, w: l.w.slice(), b: l.b.slice() }));
  const shapes = layers.map((l) => [...l.layer.weightShape!]);
  let keptInputs: number[] | undefined;
  const collapsed: string[] = [];

  const firstLayer = model.layers[0];
  if (firstLayer?.kind === 'dense' && layers[0] && layers[0].layer.index === firstLayer.index) {
    const { rows } = liveGroups(layers[0].layer, layers[0].w);
    keptInputs = rows.flatMap((live, i) => (live ? [i] : []));
    const [, units] = shapes[0] as [number, number];
    if (keptInputs.length === 0) {
      // No input is read: the output is constant. One input with zero weights keeps the model loadable.
      keptInputs = [0];
      collapsed.push('inputs');
    }
    layers[0].w = pickRows(layers[0].w, units, keptInputs);
    shapes[0] = [keptInputs.length, units];
  }

  for (let i = 0; i + 1 < layers.length; i++) {
    const cur = layers[i]!;
    const next = layers[i + 1]!;
    if (cur.layer.kind !== 'dense' || next.layer.kind !== 'dense' || !adjacent(model, cur.layer, next.layer)) continue;
    const [curIn, units] = shapes[i] as [number, number];
    const [, nextOut] = shapes[i + 1] as [number, number];
    const keep: number[] = [];
    for (let j = 0; j < units; j++) {
      let fed = false;
      for (let r = 0; r < curIn && !fed; r++) fed = cur.w[r * units + j] !== 0;
      let read = false;
      for (let c = 0; c < nextOut && !read; c++) read = next.w[j * nextOut + c] !== 0;
      if (fed && read) {
        keep.push(j);
      } else if (read && cur.layer.activation !== 'softmax') {
        // No incoming weights: the neuron is the constant act(b_j); fold it into the next bias.
        const constant = activateScalar(cur.b[j]!, cur.layer.activation);
        for (let c = 0; c < nextOut; c++) next.b[c]! += constant * next.w[j * nextOut + c]!;
      } else if (read) {
        keep.push(j); // a softmax neuron's output depends on the others: it cannot be folded away
      }
    }
    let placeholder = false;
    if (keep.length === 0) {
      // Every neuron is gone (their constants are already folded into the next bias). A layer needs at
      // least one unit, so keep neuron 0 with zero weights and zero bias: it contributes nothing.
      keep.push(0);
      placeholder = true;
      collapsed.push(cur.layer.name);
    }
    cur.w = pickCols(cur.w, curIn, units, keep);
    cur.b = Float32Array.from(keep, (j) => cur.b[j]!);
    shapes[i] = [curIn, keep.length];
    next.w = pickRows(next.w, nextOut, keep);
    shapes[i + 1] = [keep.length, nextOut];
    if (placeholder) {
      cur.w.fill(0);
      cur.b.fill(0);
      next.w.fill(0);
    }
  }

  const sizes: Record<string, number> = {};
  let params = 0;
  layers.forEach((l, i) => {
    l.layer.weightShape = shapes[i]!;
    const out = shapes[i]![shapes[i]!.length - 1]!;
    if (l.layer.kind === 'dense') l.layer.units = out;
    else l.layer.filters = out;
    sizes[l.layer.name] = out;
    params += l.w.length + l.b.length;
  });
  const result: CompactModel = { layers, sizes, params, collapsed };
  if (keptInputs) result.keptInputs = keptInputs;
  return result;
}

/** True when `b` reads `a`'s output directly (only dropout layers, which are identity at test time, in between). */
function adjacent(model: CheckedModel, a: CheckedLayer, b: CheckedLayer): boolean {
  return model.layers.slice(a.index + 1, b.index).every((l) => l.kind === 'dropout');
}

function pickRows(w: Float32Array<ArrayBufferLike>, cols: number, keep: number[]): Float32Array {
  const out = new Float32Array(keep.length * cols);
  keep.forEach((r, k) => out.set(w.subarray(r * cols, (r + 1) * cols), k * cols));
  return out;
}

function pickCols(w: Float32Array<ArrayBufferLike>, rows: number, cols: number, keep: number[]): Float32Array {
  const out = new Float32Array(rows * keep.length);
  for (let r = 0; r < rows; r++) keep.forEach((c, k) => (out[r * keep.length + k] = w[r * cols + c]!));
  return out;
}
