import type { Diagnostic } from '../diagnostics.ts';
import type { LineMap } from '../syntax/positions.ts';
import type { Token } from '../syntax/tokens.ts';
import type { BlockNode, DocumentNode, StatementNode } from '../syntax/tree.ts';
import type { SweepSetting } from './sweep.ts';
import type { PerPenalty } from '../penalties.ts';
import type {
  Activation,
  BackendSetting,
  DropneuronUpdate,
  FinetuneSchedule,
  GroupScale,
  InitializerName,
  LayerKind,
  OptimizerName,
  Task,
} from '../vocabulary.ts';

/** [n] for a flat vector, [height, width, channels] for an image. */
export type Shape = number[];

/**
 * Effective penalties of one layer: the global `regularize` settings merged with the layer's overrides, one
 * strength per penalty term (PENALTY_TERMS).
 */
export interface Regularization extends PerPenalty {
  /** Dropout keep probability applied after this layer's activation (1 = none). */
  keepProb: number;
}

/** The `regularize` block: a strength per penalty term (PENALTY_TERMS), and the other settings. */
export interface GlobalRegularization extends PerPenalty {
  keepProb: number;
  threshold: number;
  /** What pruning at the threshold, and `dropneuron auto`'s search, may cost, in points (see `tolerance` in the vocabulary). */
  tolerance: number;
  /**
   * λ of the first weighted layer's input groups (its rows: pixels, CSV columns, flattened conv features) relative
   * to its neurons' λ: those groups get λ × inputsWeight. 1 (the default): the same λ.
   */
  inputsWeight: number;
  /** How a DropNeuron group's penalty is weighed by its size: `none` (the seed's), `sqrt` (√|g|). */
  groupScale: GroupScale;
  /** How DropNeuron's penalty moves the weights: its gradient (the seed's) or a proximal shrink after each step. */
  update: DropneuronUpdate;
  /**
   * `dropneuron auto`: the trainer finds the DropNeuron λ during the run. `dropneuron` is then 1, the unit the
   * found λ multiplies, so that each layer's `reg.dropneuron` (its `dropneuron=` option, else 1) is that layer's
   * weight relative to the found λ. Not a setting of its own: the checker derives it from `dropneuron`'s value.
   */
  auto: boolean;
}

export interface TrainSettings {
  epochs: number;
  batch: number;
  optimizer: OptimizerName;
  learningRate: number;
  seed: number;
  backend: BackendSetting;
  init: InitializerName;
  /** Standard deviation of `init normal`. */
  initStd: number;
  /** Epochs over which the penalties ramp up to their full weight; 0 for none. */
  warmup: number;
  /** Prune-and-fine-tune epochs after `epochs`; 0 for none. */
  finetune: number;
  /** Learning rate of the fine-tune epochs; when absent, `learningRate` / 10 (resolved late so that a learning-rate override carries over). */
  finetuneLr?: number;
  /** How the fine-tune epochs' learning rate moves from `finetuneLr`: held, or decayed along a cosine. */
  finetuneSchedule: FinetuneSchedule;
  /** Threads that train on wasm; when absent, the cores available (resolved by the trainer, which knows them). */
  threads?: number;
  /**
   * Training samples held out for validation, from the end of the training set: ≥ 1 a count (whole), below 1 a
   * fraction of the training samples, 0 none.
   */
  validation: number;
}

export type DataSpec =
  | { kind: 'mnist'; limit?: number }
  | { kind: 'sparse-regression'; samples: number; features: number; informative: number; noise: number; seed: number }
  | { kind: 'idx'; images: string; labels: string; testImages?: string; testLabels?: string }
  /** `test`: a file of test rows; then every row of `file` trains and `testSplit` is not used. */
  | { kind: 'csv'; file: string; target?: string; testSplit: number; test?: string; columns?: string[] }
  | { kind: 'synthetic'; samples: number; classes: number; seed: number };

export interface CheckedLayer {
  index: number;
  name: string;
  /** False when the name was given automatically (dense1, conv2, ...). */
  named: boolean;
  kind: LayerKind;
  statement: StatementNode;
  nameToken?: Token;
  /** The token holding the layer's size (units or filters): what "shrink to trained sizes" rewrites. */
  sizeToken?: Token;
  units?: number;
  filters?: number;
  kernel?: [number, number];
  stride?: number;
  padding?: 'same' | 'valid';
  activation: Activation;
  lrn?: { radius: number; bias: number; alpha: number; beta: number };
  inputShape?: Shape;
  outputShape?: Shape;
  /** Weights plus biases. */
  params: number;
  /** [in, units] for dense, [kh, kw, in, filters] for conv. */
  weightShape?: number[];
  reg: Regularization;
}

export interface CheckedModel {
  name: string;
  block: BlockNode;
  data?: DataSpec;
  task: Task;
  input?: Shape;
  /**
   * The `weights` file the network starts from instead of its initialisation (safetensors: `NAME.weight` and
   * `NAME.bias` per weighted layer in PyTorch's layout), as written: relative to the spec's folder.
   */
  weights?: string;
  layers: CheckedLayer[];
  regularize: GlobalRegularization;
  train: TrainSettings;
  /** Total weights and biases. */
  params: number;
  /** Rough training memory for one batch: weights, gradients, Adam state, activations. */
  memoryBytes: number;
  /** The `sweep` block's settings and values (what `dropneuron sweep` trains), when the spec has one. */
  sweep?: SweepSetting[];
}

export interface Analysis {
  text: string;
  lines: LineMap;
  tokens: Token[];
  tree: DocumentNode;
  /** Parse and check diagnostics, sorted by position. */
  diagnostics: Diagnostic[];
  /** The checked model, best effort even when there are errors (shapes may then be missing). */
  model?: CheckedModel;
  hasErrors: boolean;
}

export function shapeSize(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** 235500 → "235 500": the grouping the product's hints and views use. */
export function groupDigits(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
