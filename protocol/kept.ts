/**
 * What "kept" means, once: a neuron (or an input) is kept exactly when the compact model keeps it, because that
 * is the model the user gets. The trainer's statistics, its compact model and pruned spec, and through them the
 * panel, the Layers view, the inlay hints and the CLI all count by this rule, so they say the same number.
 */
import type { CheckedLayer, CheckedModel } from '../language/index.ts';

/** A weighted layer's weights as the rule reads them: W flat in its weight shape, viewed as [rows, units] (a conv kernel as [kh·kw·in, out]). */
export interface WeightsView {
  layer: CheckedLayer;
  w: ArrayLike<number>;
  b: ArrayLike<number>;
}

/**
 * How layer `b` reads layer `a`'s units, when it reads them one for one: `plain` (dense after dense, or a conv or a
 * flatten-then-dense after a conv, with only dropout and pooling in between: they keep channels apart and a
 * constant map constant), `padded` (a conv with zero padding after a conv: it reads a constant map unevenly at the
 * borders, so an unfed channel cannot be folded into its bias). Anything else (LRN mixes channels) gets no link,
 * and `a` keeps every unit.
 */
export type Link = 'plain' | 'padded';

export function linkOf(model: CheckedModel, a: CheckedLayer, b: CheckedLayer): Link | undefined {
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

/** Which units of each weighted layer (and which inputs) the compact model keeps. */
export interface Kept {
  /** Per weighted layer, in order: whether each output unit (neuron or conv channel) is kept. */
  units: boolean[][];
  /** Per weighted layer: whether each unit is read, i.e. a kept unit of the next layer has a nonzero weight from it. */
  read: boolean[][];
  /** Per weighted layer: how the next weighted layer reads it (undefined for the last and for unlinked layers). */
  links: (Link | undefined)[];
  /** Whether each input feature is kept, when the first layer is dense on a flat input; undefined when all are. */
  inputs?: boolean[];
}

/**
 * The rule. Output units stay (they are the classes or targets), and so does every unit of a layer that the next
 * does not read one for one (no link). Otherwise unit j is kept when it is both
 *  - read: a kept unit of the next layer has a nonzero weight from it (found backwards from the outputs, so a
 *    neuron read only by neurons that go goes too), and
 *  - fed: a kept unit or input of the layer before has a nonzero weight into it; an unfed unit emits the constant
 *    act(b_j), which the compact model folds into the next layer's bias, so removing it changes nothing. It stays
 *    only when that constant cannot fold: a softmax unit (`constantOf` gives undefined: its output depends on the
 *    others), or a nonzero constant map that the next conv's zero padding reads unevenly.
 * An input feature is kept when it has a nonzero weight into a read unit of the first layer.
 * `constantOf(layer, bias)` is the layer's activation of a constant input, undefined when it is not a constant.
 */
export function keptUnits(model: CheckedModel, layers: readonly WeightsView[], constantOf: (layer: CheckedLayer, bias: number) => number | undefined): Kept {
  const n = layers.length;
  const unitsOf = (i: number): number => layers[i]!.layer.weightShape!.at(-1)!;
  const links = layers.map((l, i) => (i + 1 < n ? linkOf(model, l.layer, layers[i + 1]!.layer) : undefined));
  const read: boolean[][] = new Array<boolean[]>(n);
  for (let i = n - 1; i >= 0; i--) {
    const units = unitsOf(i);
    if (!links[i]) {
      read[i] = new Array<boolean>(units).fill(true);
      continue;
    }
    const next = layers[i + 1]!;
    const nextRead = read[i + 1]!;
    const out = nextRead.length;
    // The next W viewed as [groups, units, out]: one row per unit for dense, one per kernel tap for a conv, one
    // per spatial position after a flatten (channels last, as TensorFlow.js flattens).
    const groups = next.w.length / (units * out);
    read[i] = Array.from({ length: units }, (_, j) => {
      for (let g = 0; g < groups; g++) for (let c = 0; c < out; c++) if (nextRead[c] && next.w[(g * units + j) * out + c] !== 0) return true;
      return false;
    });
  }

  const kept: Kept = { units: [], read, links };
  const first = model.layers[0];
  if (first?.kind === 'dense' && layers[0] && layers[0].layer.index === first.index) {
    const units = unitsOf(0);
    const w = layers[0].w;
    kept.inputs = Array.from({ length: w.length / units }, (_, r) => {
      for (let j = 0; j < units; j++) if (read[0]![j] && w[r * units + j] !== 0) return true;
      return false;
    });
  }
  for (let i = 0; i < n; i++) {
    const { layer, w, b } = layers[i]!;
    const units = unitsOf(i);
    // What feeds this layer one for one: the kept inputs, or the kept units of a linked layer before; else all rows.
    const from = i === 0 ? kept.inputs : links[i - 1] ? kept.units[i - 1] : undefined;
    const rows = from?.length ?? w.length / units;
    const groups = w.length / (rows * units);
    const fed = (j: number): boolean => {
      for (let g = 0; g < groups; g++) for (let r = 0; r < rows; r++) if ((!from || from[r]) && w[(g * rows + r) * units + j] !== 0) return true;
      return false;
    };
    kept.units.push(
      Array.from({ length: units }, (_, j) => {
        if (!links[i]) return true;
        if (!read[i]![j]) return false;
        if (fed(j)) return true;
        const constant = constantOf(layer, b[j]!);
        return constant === undefined || (links[i] === 'padded' && constant !== 0);
      }),
    );
  }
  return kept;
}

/** How many are true: a layer's kept neurons, the kept inputs. */
export function countKept(mask: readonly boolean[]): number {
  let n = 0;
  for (const k of mask) if (k) n++;
  return n;
}
