import type { CheckedModel } from '../../language/index.ts';
import { activateScalar } from './network.ts';
import type { LayerWeights } from './layerWeights.ts';
import { keptUnits, type Kept } from '../../protocol/kept.ts';

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
 * The rule of `protocol/kept.ts` with the trainer's activations: which units and inputs the compact model keeps.
 * The statistics count by it, so every "kept" the user reads is a size of the model they get.
 */
export function keptOf(model: CheckedModel, layers: readonly LayerWeights[]): Kept {
  return keptUnits(model, layers, (layer, bias) => (layer.activation === 'softmax' ? undefined : activateScalar(bias, layer.activation)));
}

/**
 * Removes every dropped neuron and conv channel physically, by the one rule of kept (`keptOf`). Between two
 * weighted layers that one reads the other (see `linkOf`), unit j of the first goes when nothing kept reads it
 * or when nothing feeds it: then it emits the constant act(b_j), which is folded into the next layer's bias, so
 * the outputs do not change. Input features that feed no read unit of the first layer are dropped and the
 * indices of the others kept. Output units stay (they are the classes or targets).
 */
export function compact(model: CheckedModel, pruned: LayerWeights[]): CompactModel {
  const layers: LayerWeights[] = pruned.map((l) => ({ layer: { ...l.layer }, w: l.w.slice(), b: l.b.slice() }));
  const shapes = layers.map((l) => [...l.layer.weightShape!]);
  const kept = keptOf(model, pruned);
  let keptInputs: number[] | undefined;
  const collapsed: string[] = [];

  if (kept.inputs) {
    keptInputs = kept.inputs.flatMap((live, i) => (live ? [i] : []));
    const [, units] = shapes[0] as [number, number];
    if (keptInputs.length === 0) {
      // No input is read: the output is constant. One input with zero weights keeps the model loadable.
      keptInputs = [0];
      collapsed.push('inputs');
    }
    layers[0]!.w = pickGroupRows(layers[0]!.w, 1, kept.inputs.length, units, keptInputs);
    if (collapsed.includes('inputs')) layers[0]!.w.fill(0);
    shapes[0] = [keptInputs.length, units];
  }

  for (let i = 0; i + 1 < layers.length; i++) {
    const cur = layers[i]!;
    const next = layers[i + 1]!;
    if (!kept.links[i]) continue;
    const units = shapes[i]!.at(-1)!;
    const curIn = cur.w.length / units;
    const nextOut = shapes[i + 1]!.at(-1)!;
    // The next W viewed as [groups, units, nextOut]: one row per unit for dense, one per kernel tap for a
    // conv, one per spatial position after a flatten (channels last, as TensorFlow.js flattens).
    const groups = next.w.length / (units * nextOut);
    const row = (g: number, j: number): number => (g * units + j) * nextOut;
    const keep: number[] = [];
    for (let j = 0; j < units; j++) {
      if (kept.units[i]![j]) {
        keep.push(j);
        continue;
      }
      // Read but not kept: unfed, so the unit is the constant act(b_j) (a constant map stays constant through
      // pooling), and its contribution is a bias. Unread: it contributes nothing.
      if (!kept.read[i]![j]) continue;
      const constant = activateScalar(cur.b[j]!, cur.layer.activation);
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
