import * as tf from '@tensorflow/tfjs-core';
import { PENALTY_TERM_NAMES, type Task } from '../../language/index.ts';
import { HostAdam } from './hostAdam.ts';
import type { Network } from './network.ts';
import { FULL_PENALTIES, penaltyVector, type PenaltyWeights } from './penalties.ts';
import { proximalStep } from './proximal.ts';
import { fusedCrossEntropy } from './webgpu/crossEntropy.ts';
import { useFused } from './webgpu/fused.ts';
import type { FoldingOptimizer } from './webgpu/penaltyFold.ts';

/** The parts of a step's loss, in the order of its loss vector: the task loss, then each penalty term (PENALTY_TERMS). */
export const LOSS_PARTS = ['data', ...PENALTY_TERM_NAMES] as const;

/**
 * Rows [offset, offset + n) of a batch of `total` rows whose steps are split across workers
 * (trainer/src/parallel/). The shard's data loss is its share of the whole batch's mean, its dropout masks
 * are its rows of the masks the whole batch would get, and only the shard at offset 0 adds the penalties:
 * the shards' gradients then sum to the whole batch's.
 */
export interface Shard {
  offset: number;
  total: number;
}

export interface StepOptions {
  /** Dropout is on when given. */
  dropoutSeed?: number | undefined;
  /** Multipliers of the spec's penalty strengths: what the schedule (warm-up, fine-tune) changes per epoch. */
  scale?: PenaltyWeights | undefined;
  /** What multiplies the input groups' DropNeuron strength this epoch (`dropneuron auto`'s inputs stage; default 1). */
  inputs?: number | undefined;
  shard?: Shard | undefined;
  /**
   * The penalties' gradient is left to the optimizer (a fused WebGPU one adds it in its own update:
   * webgpu/penaltyFold.ts): stepGradients' gradients are then the task loss's alone. stepLoss sets it.
   */
  foldPenalties?: boolean | undefined;
}

/** tf.customGrad with the op's own parameter types (its declared signature takes a variadic union). */
function custom<T extends tf.Tensor>(f: (...args: never[]) => { value: T; gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] }) {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => T;
}

/**
 * Σ over the rows of softmax cross-entropy, divided by `divisor` (the batch's rows): tfjs'
 * softmaxCrossEntropy's value, with its gradient (softmax − labels) / divisor written out; the built-in one
 * runs its weighting and reduction machinery forward and backward, a dozen kernels more per step. On webgpu one
 * fused program each way (webgpu/crossEntropy.ts).
 */
const crossEntropyOps = new Map<number, (logits: tf.Tensor, labels: tf.Tensor) => tf.Scalar>();
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor, divisor: number): tf.Scalar {
  if (useFused() && logits.rank === 2) return fusedCrossEntropy(logits, labels, divisor);
  let op = crossEntropyOps.get(divisor);
  if (!op) {
    op = custom((z: tf.Tensor, onehot: tf.Tensor, save: tf.GradSaveFunc) => {
      const logp = tf.logSoftmax(z);
      save([logp, onehot]);
      return {
        value: tf.mul(tf.sum(tf.mul(onehot, logp)), -1 / divisor) as tf.Scalar,
        gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => {
          const [sLogp, sOnehot] = saved as [tf.Tensor, tf.Tensor];
          return [tf.mul(tf.sub(tf.exp(sLogp), sOnehot), tf.div(dy, divisor)), tf.zerosLike(sOnehot)];
        },
      };
    }) as (logits: tf.Tensor, labels: tf.Tensor) => tf.Scalar;
    crossEntropyOps.set(divisor, op);
  }
  return op(logits, labels);
}

/**
 * The batch's loss parts as one tensor in LOSS_PARTS order: the task loss and the penalty terms.
 * For classify, `y` is either class indices [n, 1] or one-hot rows [n, classes] (what Batches hands out, so
 * that no step converts labels).
 */
export function lossVector(network: Network, task: Task, x: tf.Tensor, y: tf.Tensor, options: StepOptions = {}): tf.Tensor1D {
  const n = x.shape[0]!;
  const total = options.shard?.total ?? n;
  const out = network.forward(x, options.dropoutSeed, options.shard);
  let data: tf.Scalar;
  if (task === 'classify') {
    const classes = out.shape[1]!;
    const onehot = y.shape[1] === classes && classes > 1 ? y : tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32') as tf.Tensor1D, classes);
    data = crossEntropy(out, onehot, total);
  } else {
    const target = task === 'autoencode' ? tf.reshape(x, out.shape) : tf.reshape(y, out.shape);
    // The mean over the whole batch's values: this shard's squared errors over all of them.
    data = tf.mul(tf.sum(tf.square(tf.sub(out, target))), 1 / ((out.size / n) * total)) as tf.Scalar;
  }
  const penalties =
    (options.shard?.offset ?? 0) === 0
      ? penaltyVector(
          network.params,
          options.scale ?? FULL_PENALTIES,
          network.groups,
          options.inputs,
          network.model.regularize.update === 'proximal',
          options.foldPenalties,
        )
      : tf.zeros([PENALTY_TERM_NAMES.length]);
  return tf.concat([tf.reshape(data, [1]), penalties]) as tf.Tensor1D;
}

/** One batch's loss parts (LOSS_PARTS order, kept) and the gradients of their sum, one per variable in `network.variables` order. */
export function stepGradients(network: Network, task: Task, x: tf.Tensor, y: tf.Tensor, options: StepOptions): { parts: tf.Tensor1D; grads: tf.Tensor[] } {
  let parts: tf.Tensor1D | undefined;
  const variables = network.variables;
  const { value, grads } = tf.variableGrads(() => {
    parts = tf.keep(lossVector(network, task, x, y, options));
    return tf.sum(parts) as tf.Scalar;
  }, variables);
  value.dispose();
  return { parts: parts!, grads: variables.map((v) => grads[v.name]!) };
}

/**
 * Applies gradients (in `network.variables` order) and disposes them; then DropNeuron's proximal step where the spec
 * asks for it (`update proximal`: trainer/src/proximal.ts), at the epoch's strengths in `options`.
 */
export function applyGradients(network: Network, optimizer: tf.Optimizer, grads: tf.Tensor[], options: StepOptions = {}): void {
  // An array, not a map: the optimizer's state is positional, in the order of network.variables.
  optimizer.applyGradients(network.variables.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
  tf.dispose(grads);
  proximalStep(network, optimizer, options.scale ?? FULL_PENALTIES, options.inputs);
}

/** Applies gradients laid out one variable after the other (network.variables order), as the data-parallel pool sums them. */
export function applyFlatGradients(network: Network, optimizer: tf.Optimizer, flat: Float32Array, options: StepOptions = {}): void {
  if (optimizer instanceof HostAdam) {
    optimizer.applyFlat(network.variables, flat);
    proximalStep(network, optimizer, options.scale ?? FULL_PENALTIES, options.inputs);
    return;
  }
  let at = 0;
  const grads = network.variables.map((v) => {
    const g = tf.tensor(flat.subarray(at, at + v.size), v.shape);
    at += v.size;
    return g;
  });
  applyGradients(network, optimizer, grads, options);
}

/**
 * One optimizer step on a batch. Returns the loss parts as one kept tensor (the caller disposes it), so
 * that they can be summed on the device without a sync per batch.
 */
export function stepLoss(network: Network, optimizer: tf.Optimizer, task: Task, x: tf.Tensor, y: tf.Tensor, options: StepOptions): tf.Tensor1D {
  const fold = (optimizer as Partial<FoldingOptimizer>).foldsPenalties === true;
  const { parts, grads } = stepGradients(network, task, x, y, fold ? { ...options, foldPenalties: true } : options);
  applyGradients(network, optimizer, grads, options);
  return parts;
}

/** One optimizer step on a batch, its loss parts as kept scalars (LOSS_PARTS order) that the caller disposes. */
export function trainStep(
  network: Network,
  optimizer: tf.Optimizer,
  task: Task,
  x: tf.Tensor,
  y: tf.Tensor,
  dropoutSeed: number,
  scale: PenaltyWeights = FULL_PENALTIES,
): tf.Scalar[] {
  const parts = stepLoss(network, optimizer, task, x, y, { dropoutSeed, scale });
  const scalars = tf.unstack(parts) as tf.Scalar[];
  parts.dispose();
  return scalars;
}
