/**
 * The published structured-pruning results a chart compares against (issue 28's table; docs/results.md, "The
 * structured-pruning record"): per model, each method's kept sizes and test error, the parameters those sizes
 * leave, and how to tell the model from a spec's layers. The one table: the sweep's `frontier.svg` and the
 * record's charts (cli/sweep/recordCharts.ts) draw from it.
 *
 * Every anchor's error is the **best test error seen during training**: those papers' code picks its checkpoint
 * on the test set. A chart says so beside them.
 */
import type { ReferencePoint } from './frontier.ts';

/** A published result, drawn as a diamond. */
export interface Anchor extends ReferencePoint {
  /** The method and its paper. */
  method: string;
  /** Kept sizes in the model's order (`AnchoredModel.sizesAre`). */
  sizes: readonly number[];
}

export interface AnchoredModel {
  name: string;
  /** What `sizes` count, in order. */
  sizesAre: string;
  /** Weights plus biases of the network these kept sizes leave. */
  params(sizes: readonly number[]): number;
  /** Whether a spec's layers are this model. */
  matches(layers: readonly LayerShape[]): boolean;
  anchors: readonly Anchor[];
}

/** What the detectors read of a checked layer (`CheckedLayer`: `weightShape` is [in, units] or [kh, kw, in, filters]). */
export interface LayerShape {
  kind: string;
  weightShape?: number[] | undefined;
}

/** The weighted layers as one string, e.g. `dense 784x300, dense 300x100, dense 100x10`. */
function signature(layers: readonly LayerShape[]): string {
  return layers
    .filter((l) => l.weightShape)
    .map((l) => `${l.kind} ${l.weightShape!.join('x')}`)
    .join(', ');
}

/** LeNet-300-100 kept as inputs-fc1-fc2: inputs·fc1 + fc1 + fc1·fc2 + fc2 + fc2·10 + 10. */
function lenet300100Params([inputs, fc1, fc2]: readonly number[]): number {
  return inputs! * fc1! + fc1! + fc1! * fc2! + fc2! + fc2! * 10 + 10;
}

/**
 * LeNet-5-Caffe kept as conv1 filters - conv2 filters - fc1's inputs (of 800) - fc1's neurons, 5x5 kernels on the
 * one-channel image: 25·c1 + c1 + 25·c1·c2 + c2 + inputs·fc1 + fc1 + fc1·10 + 10. fc1 counts the inputs it reads,
 * as the anchors do. The trainer's compact model counts more (every one of the 16 positions of a kept conv2
 * filter: 20-17-234-193 is 63 666 there, 56 332 here), so a sweep's own points are drawn at the trainer's larger
 * count; the record's charts count every point by this rule, from its `anchorSizes`.
 */
function lenet5CaffeParams([c1, c2, inputs, fc1]: readonly number[]): number {
  return 25 * c1! + c1! + 25 * c1! * c2! + c2! + inputs! * fc1! + fc1! + fc1! * 10 + 10;
}

/** One anchor of a model: its params from its sizes, its label the method's short name and the sizes. */
function anchors(params: (sizes: readonly number[]) => number, rows: readonly (Omit<Anchor, 'label' | 'params'> & { short: string })[]): Anchor[] {
  return rows.map(({ short, ...row }) => ({ ...row, label: `${short} ${row.sizes.join('-')}`, params: params(row.sizes) }));
}

export const LENET_300_100: AnchoredModel = {
  name: 'LeNet-300-100',
  sizesAre: 'inputs-fc1-fc2',
  params: lenet300100Params,
  matches: (layers) => signature(layers) === 'dense 784x300, dense 300x100, dense 100x10',
  // Placements keep the labels apart: SBP and the seed sit at about the same size, L0, BC-GHS and VIB at the same error.
  anchors: anchors(lenet300100Params, [
    { method: 'DropNeuron paper code (the seed)', short: 'DropNeuron', sizes: [542, 83, 61], error: 0.0183, place: 'right' },
    { method: 'L0 regularisation (Louizos 2018)', short: 'L0', sizes: [266, 88, 33], error: 0.016, place: 'below', target: true },
    { method: 'Structured Bayesian Pruning (Neklyudov 2017)', short: 'SBP', sizes: [245, 160, 55], error: 0.016, place: 'below' },
    { method: 'Variational Information Bottleneck (Dai 2018)', short: 'VIB', sizes: [97, 71, 33], error: 0.016, place: 'below', target: true },
    { method: 'Bayesian Compression, group horseshoe (Louizos 2017)', short: 'BC-GHS', sizes: [311, 86, 14], error: 0.018, place: 'left' },
  ]),
};

export const LENET_5_CAFFE: AnchoredModel = {
  name: 'LeNet-5-Caffe',
  sizesAre: 'conv1 filters - conv2 filters - fc1 inputs (of 800) - fc1 neurons',
  params: lenet5CaffeParams,
  matches: (layers) => signature(layers) === 'conv 5x5x1x20, conv 5x5x20x50, dense 800x500, dense 500x10',
  anchors: anchors(lenet5CaffeParams, [
    { method: 'L0 regularisation (Louizos 2018)', short: 'L0', sizes: [20, 25, 45, 462], error: 0.009, place: 'below' },
    { method: 'L0 regularisation, separate λ per layer (Louizos 2018)', short: 'L0-sep', sizes: [9, 18, 65, 25], error: 0.01, place: 'above', target: true },
    { method: 'Structured Bayesian Pruning (Neklyudov 2017)', short: 'SBP', sizes: [3, 18, 284, 283], error: 0.009, place: 'below' },
    { method: 'Bayesian Compression, group horseshoe (Louizos 2017)', short: 'BC-GHS', sizes: [5, 10, 76, 16], error: 0.01, place: 'below', target: true },
  ]),
};

export const ANCHORED_MODELS: readonly AnchoredModel[] = [LENET_300_100, LENET_5_CAFFE];

/** The model these layers are, among those with published anchors; undefined for any other network. */
export function anchoredModel(layers: readonly LayerShape[]): AnchoredModel | undefined {
  return ANCHORED_MODELS.find((m) => m.matches(layers));
}
