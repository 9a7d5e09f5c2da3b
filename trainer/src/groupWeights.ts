import type { CheckedLayer, CheckedModel } from '../../language/index.ts';

/**
 * What multiplies a weighted layer's DropNeuron strength on its row groups (lo: each input's outgoing weights,
 * for a conv kernel each input channel's) and on its column groups (li: each neuron's incoming weights).
 */
export interface GroupWeights {
  rows: number;
  cols: number;
  /** Whether the rows are the network's inputs (what `inputs_weight` and auto's inputs stage multiply). */
  readsInputs: boolean;
}

/** The seed's weighting: every group alike. */
export const EVEN_GROUPS: GroupWeights = { rows: 1, cols: 1, readsInputs: false };

/**
 * Per weighted layer, in order: `group_scale sqrt` weighs each group by √|g|, group lasso's usual weighting
 * (Yuan & Lin 2006), so that one λ acts alike on a 784-row layer and a 100-row one; `inputs_weight` multiplies
 * the row groups that are the network's inputs — the first weighted layer's (pixels, CSV columns), and a dense
 * layer's that reads a conv stack's flattened features — so that inputs can go without starving the neurons.
 */
export function groupWeightsOf(model: CheckedModel): GroupWeights[] {
  const { groupScale, inputsWeight } = model.regularize;
  const weighted = model.layers.filter((l) => l.weightShape);
  const scale = (size: number): number => (groupScale === 'sqrt' ? Math.sqrt(size) : 1);
  return weighted.map((layer, i) => {
    const readsInputs = i === 0 || (layer.kind === 'dense' && weighted[i - 1]!.kind === 'conv');
    return { rows: scale(rowSize(layer)) * (readsInputs ? inputsWeight : 1), cols: scale(colSize(layer)), readsInputs };
  });
}

/** Weights in one row group: a dense W [in, out] row has `out`; a conv kernel [kh, kw, in, out] channel kh·kw·out. */
function rowSize(layer: CheckedLayer): number {
  const s = layer.weightShape!;
  return s.length === 4 ? s[0]! * s[1]! * s[3]! : s[1]!;
}

/** Weights in one column group: the fan-in. */
function colSize(layer: CheckedLayer): number {
  const s = layer.weightShape!;
  return s.slice(0, -1).reduce((a, b) => a * b, 1);
}
