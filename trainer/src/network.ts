import * as tf from '@tensorflow/tfjs-core';
import type { CheckedLayer, CheckedModel } from '../../language/index.ts';
import { dropout, nextDropoutSeed } from './dropout.ts';
import { groupWeightsOf, type GroupWeights } from './groupWeights.ts';
import type { LayerOps } from './ops.ts';
import type { Rng } from './rng.ts';

/** A layer's weights: W [in, out] or [kh, kw, in, out], and its bias. */
export interface LayerTensors<T extends tf.Tensor = tf.Tensor> {
  layer: CheckedLayer;
  w: T;
  b: T;
}

/** A layer's trainable tensors. */
export type LayerParams = LayerTensors<tf.Variable>;

let networkCount = 0;

/** A layer whose weights cannot be allocated: one line naming it, its parameter count and what to lower. */
export class LayerSizeError extends Error {
  constructor(
    readonly layer: CheckedLayer,
    cause: unknown,
  ) {
    const size = layer.kind === 'conv' ? 'filters' : 'units';
    super(
      `expected layer \`${layer.name}\` (${layer.params.toLocaleString('en')} parameters) to fit in memory, found it too big to allocate (${(cause as Error).message}); lower its ${size}`,
    );
  }
}

/**
 * The trainable network. Training uses its own forward pass (so the ops' gradients apply and dropout is
 * seeded); export.ts turns the same weights into a TensorFlow.js LayersModel.
 */
export class Network {
  readonly params: LayerParams[];
  /** Per layer of `params`, the DropNeuron groups' weights (`group_scale`, `inputs_weight`). */
  readonly groups: GroupWeights[];

  /**
   * `ops`: which gradient implementation trains it (layerOpsFor in ops.ts picks one per backend). `start`: one
   * W and b per weighted layer, in the trainer's layout, that it starts from instead of its initialisation (a
   * spec's `weights` file: trainer/src/import/startingWeights.ts); the initialisation still draws from `rng`,
   * so that the rest of the run draws what it would without them.
   */
  constructor(
    readonly model: CheckedModel,
    rng: Rng,
    readonly ops: LayerOps,
    start?: readonly { w: Float32Array; b: Float32Array }[],
  ) {
    const tag = `dnn${++networkCount}`;
    const params: LayerParams[] = [];
    try {
      for (const layer of model.layers.filter((l) => l.weightShape)) params.push(Network.init(model, layer, rng, tag, start?.[params.length]));
    } catch (error) {
      tf.dispose(params.flatMap((p) => [p.w, p.b]));
      throw new LayerSizeError(model.layers.filter((l) => l.weightShape)[params.length]!, error);
    }
    this.params = params;
    this.groups = groupWeightsOf(model);
  }

  /** One layer's initial weights and bias, seeded from the run's RNG (or `start`'s). Throws when they cannot be allocated. */
  private static init(model: CheckedModel, layer: CheckedLayer, rng: Rng, tag: string, start?: { w: Float32Array; b: Float32Array }): LayerParams {
    const shape = layer.weightShape!;
    const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const fanOut = layer.kind === 'conv' ? shape[0]! * shape[1]! * shape[3]! : shape[1]!;
    const out = shape[shape.length - 1]!;
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const bias = new Float32Array(out);
    if (model.train.init === 'normal') {
      // As the seed scripts: weights and biases from N(0, σ²).
      const std = model.train.initStd;
      for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
      for (let i = 0; i < out; i++) bias[i] = rng.normal() * std;
    } else {
      const limit = Math.sqrt(6 / (fanIn + fanOut)); // Glorot uniform, seeded from the run's RNG
      for (let i = 0; i < values.length; i++) values[i] = (rng.next() * 2 - 1) * limit;
    }
    // tidy frees the initial tensors (a variable holds its own reference to the data; tidy never frees variables).
    const w = tf.tidy(() => tf.variable(tf.tensor(start?.w ?? values, shape), true, `${tag}/${layer.name}/kernel`));
    try {
      return { layer, w, b: tf.tidy(() => tf.variable(tf.tensor(start?.b ?? bias, [out]), true, `${tag}/${layer.name}/bias`)) };
    } catch (error) {
      w.dispose();
      throw error;
    }
  }

  /** The variables in a fixed order: optimizer state is positional, so a resumed run must match it. */
  get variables(): tf.Variable[] {
    return this.params.flatMap((p) => [p.w, p.b]);
  }

  /**
   * Forward pass on a batch shaped [batch, ...input]. With `dropoutSeed`, dropout is applied (training);
   * with `rows`, x is rows [offset, offset + n) of a batch of `total` and gets those rows of its masks.
   */
  forward(x: tf.Tensor, dropoutSeed?: number, rows?: { offset: number; total: number }): tf.Tensor {
    return forwardPass(this.model, this.params, this.ops, x, dropoutSeed, rows);
  }

  /** Host copies of every W and b, for statistics, pruning, export and checkpoints. */
  async read(): Promise<{ layer: CheckedLayer; w: Float32Array; b: Float32Array }[]> {
    return Promise.all(this.params.map(async (p) => ({ layer: p.layer, w: (await p.w.data()) as Float32Array, b: (await p.b.data()) as Float32Array })));
  }

  write(values: { w: Float32Array; b: Float32Array }[]): void {
    // tidy frees the temporary tensors: a variable keeps its own reference to the data it was assigned.
    tf.tidy(() =>
      this.params.forEach((p, i) => {
        p.w.assign(tf.tensor(values[i]!.w, p.w.shape));
        p.b.assign(tf.tensor(values[i]!.b, p.b.shape));
      }),
    );
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * The model's forward pass with the given weights (one entry per weighted layer, in order): the live
 * network's variables when training, or other tensors of the same shapes when evaluating (evaluator.ts).
 */
export function forwardPass(
  model: CheckedModel,
  params: readonly LayerTensors[],
  ops: LayerOps,
  x: tf.Tensor,
  dropoutSeed?: number,
  rows?: { offset: number; total: number },
): tf.Tensor {
  let h = x;
  let seed = dropoutSeed;
  const drop = (t: tf.Tensor, keep: number): tf.Tensor => {
    if (seed === undefined || keep >= 1) return t;
    seed = nextDropoutSeed(seed);
    return dropout(t, keep, seed, rows);
  };
  const byLayer = new Map(params.map((p) => [p.layer.index, p]));
  for (const layer of model.layers) {
    const p = byLayer.get(layer.index);
    switch (layer.kind) {
      case 'dense':
        h = activate(ops.addBias(ops.matMul(h as tf.Tensor2D, p!.w as tf.Tensor2D, h === x), p!.b), layer);
        h = drop(h, layer.reg.keepProb);
        break;
      case 'conv':
        h = activate(ops.addBias(ops.conv2d(h as tf.Tensor4D, p!.w as tf.Tensor4D, layer.stride ?? 1, layer.padding ?? 'same', h === x), p!.b), layer);
        break;
      case 'maxpool':
        h = ops.maxPool(h as tf.Tensor4D, layer.kernel!, layer.stride ?? layer.kernel![0], layer.padding ?? 'same');
        break;
      case 'avgpool':
        h = tf.avgPool(h as tf.Tensor4D, layer.kernel!, layer.stride ?? layer.kernel![0], layer.padding ?? 'same');
        break;
      case 'lrn': {
        const n = layer.lrn!;
        h = tf.localResponseNormalization(h as tf.Tensor4D, n.radius, n.bias, n.alpha, n.beta);
        break;
      }
      case 'flatten':
        h = tf.reshape(h, [h.shape[0]!, -1]);
        break;
      case 'dropout':
        h = drop(h, layer.reg.keepProb);
        break;
    }
  }
  return h;
}

export function activate(t: tf.Tensor, layer: CheckedLayer): tf.Tensor {
  switch (layer.activation) {
    case 'linear':
      return t;
    case 'relu':
      return tf.relu(t);
    case 'tanh':
      return tf.tanh(t);
    case 'sigmoid':
      return tf.sigmoid(t);
    case 'softmax':
      return tf.softmax(t);
    case 'elu':
      return tf.elu(t);
    case 'softplus':
      return tf.softplus(t);
  }
}

/** Host-side activation for a constant (folding a dead neuron's act(bias) into the next bias). */
export function activateScalar(v: number, activation: CheckedLayer['activation']): number {
  switch (activation) {
    case 'relu':
      return Math.max(0, v);
    case 'tanh':
      return Math.tanh(v);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'elu':
      return v > 0 ? v : Math.exp(v) - 1;
    case 'softplus':
      return Math.log1p(Math.exp(v));
    default:
      return v;
  }
}
