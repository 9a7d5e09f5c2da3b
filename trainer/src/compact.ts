import type { CheckedLayer, CheckedModel } from '../../language/index.ts';
import { activateScalar } from './network.ts';
import type { LayerWeights } from './layerWeights.ts';
import { liveGroups } from './stats.ts';

export interface CompactModel {
  /** The compact layers: the same kinds, smaller sizes, weights with dropped rows and columns removed. */
  layers: LayerWeights[];
  /** Sizes per named layer after removal (units or filters). */
  sizes: Record<string, number>;
  /** Input features still read, when the first layer is dense on a flat input; else undefined (all kept). */
  keptInputs?: number[];
  params: number;
  /** Layers (or 'inputs') that lost every neuron: each keeps one zero-weight placeholder so the model stays valid. */
  collapsed: string[];
}

/**
 * Removes every dropped neuron and conv channel physically. Between two weighted layers that one reads
 * the other (see `link`), unit j of the first goes when nothing reads it (its rows of the next W are zero)
 * or when nothing feeds it (column j of its W is zero): then it emits the constant act(b_j), which is
 * folded into the next layer's bias, so the outputs do not change. Input features whose rows of the first
 * W are zero are dropped and their indices kept. Output units stay (they are the classes or targets).
 */
export function compact(model: CheckedModel, pruned: LayerWeights[]): CompactModel {
  const layers: LayerWeights[] = pruned.map((l) => ({ layer: { ...l.layer }, w: l.w.slice(), b: l.b.slice() }));
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
    layers[0].w = pickGroupRows(layers[0].w, 1, rows.length, units, keptInputs);
    shapes[0] = [keptInputs.length, units];
  }

  for (let i = 0; i + 1 < layers.length; i++) {
    const cur = layers[i]!;
    const next = layers[i + 1]!;
    const how = link(model, cur.layer, next.layer);
    if (!how) continue;
    const units = shapes[i]!.at(-1)!;
    const curIn = cur.w.length / units;
    const nextOut = shapes[i + 1]!.at(-1)!;
    // The next W viewed as [groups, units, nextOut]: one row per unit for dense, one per kernel tap for a
    // conv, one per spatial position after a flatten (channels last, as TensorFlow.js flattens).
    const groups = next.w.length / (units * nextOut);
    const row = (g: number, j: number): number => (g * units + j) * nextOut;
    const keep: number[] = [];
    for (let j = 0; j < units; j++) {
      let fed = false;
      for (let r = 0; r < curIn && !fed; r++) fed = cur.w[r * units + j] !== 0;
      let read = false;
      for (let g = 0; g < groups && !read; g++) for (let c = 0; c < nextOut && !read; c++) read = next.w[row(g, j) + c] !== 0;
      if (!read) continue;
      const constant = fed || cur.layer.activation === 'softmax' ? undefined : activateScalar(cur.b[j]!, cur.layer.activation);
      if (constant === undefined || (how === 'padded' && constant !== 0)) {
        // Fed; or a softmax unit, whose output depends on the others; or a constant map that the next
        // conv's zero padding makes uneven at the borders: none of these folds into a bias exactly.
        keep.push(j);
        continue;
      }
      // No incoming weights: the unit is the constant act(b_j) (a constant map stays constant through
      // pooling), so its contribution is a bias.
      for (let g = 0; g < groups; g++) for (let c = 0; c < nextOut; c++) next.b[c]! += constant * next.w[row(g, j) + c]!;
    }
    let placeholder = false;
    if (keep.length === 0) {
      // Every unit is gone (their constants are already folded into the next bias). A layer needs at
      // least one unit, so keep unit 0 with zero weights and zero bias: it contributes nothing.
      keep.push(0);
      placeholder = true;
      collapsed.push(cur.layer.name);
    }
    cur.w = pickCols(cur.w, curIn, units, keep);
    cur.b = Float32Array.from(keep, (j) => cur.b[j]!);
    shapes[i] = [...shapes[i]!.slice(0, -1), keep.length];
    next.w = pickGroupRows(next.w, groups, units, nextOut, keep);
    const nextShape = shapes[i + 1]!;
    shapes[i + 1] = nextShape.length === 4 ? [nextShape[0]!, nextShape[1]!, keep.length, nextOut] : [groups * keep.length, nextOut];
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

/**
 * How `b` reads `a`'s units, when it reads them one for one: `plain` (dense after dense, or a conv or a
 * flatten-then-dense after a conv, with only dropout and pooling in between: they keep channels apart and
 * a constant map constant), `padded` (a conv with zero padding after a conv: it reads a constant map
 * unevenly at the borders, so an unfed channel cannot be folded into its bias). Anything else (LRN mixes channels) gets no link and keeps its size.
 */
function link(model: CheckedModel, a: CheckedLayer, b: CheckedLayer): 'plain' | 'padded' | undefined {
  const between = model.layers.slice(a.index + 1, b.index).map((l) => l.kind);
  if (a.kind === 'dense') return b.kind === 'dense' && between.every((k) => k === 'dropout') ? 'plain' : undefined;
  if (a.kind !== 'conv') return undefined;
  const spatial = (k: string): boolean => k === 'dropout' || k === 'maxpool' || k === 'avgpool';
  if (b.kind === 'conv') {
    // A 1x1 kernel pads nothing even with padding=same.
    const pads = (b.padding ?? 'same') === 'same' && b.kernel!.some((k) => k > 1);
    return between.every(spatial) ? (pads ? 'padded' : 'plain') : undefined;
  }
  const flatten = between.indexOf('flatten');
  const fits = b.kind === 'dense' && flatten >= 0 && between.slice(0, flatten).every(spatial) && between.slice(flatten + 1).every((k) => k === 'dropout');
  return fits ? 'plain' : undefined;
}

/** Rows g·units + j of W viewed as [groups·units, cols], for the kept j of every group. */
function pickGroupRows(w: Float32Array<ArrayBufferLike>, groups: number, units: number, cols: number, keep: number[]): Float32Array {
  const out = new Float32Array(groups * keep.length * cols);
  for (let g = 0; g < groups; g++)
    keep.forEach((j, k) => out.set(w.subarray((g * units + j) * cols, (g * units + j + 1) * cols), (g * keep.length + k) * cols));
  return out;
}

function pickCols(w: Float32Array<ArrayBufferLike>, rows: number, cols: number, keep: number[]): Float32Array {
  const out = new Float32Array(rows * keep.length);
  for (let r = 0; r < rows; r++) keep.forEach((c, k) => (out[r * keep.length + k] = w[r * cols + c]!));
  return out;
}
