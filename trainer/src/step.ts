import * as tf from '@tensorflow/tfjs-core';
import type { Task } from '../../language/index.ts';
import type { Network } from './network.ts';
import { layerPenalties, type PenaltyWeights } from './penalties.ts';

export const LOSS_PARTS = ['data', 'l1', 'l2', 'dropneuron'] as const;
export type LossParts = Record<(typeof LOSS_PARTS)[number], tf.Scalar>;

/** Multipliers of the spec's penalty weights: what the schedule (warm-up, fine-tune) changes per epoch. */
export const FULL_PENALTIES: PenaltyWeights = { l1: 1, l2: 1, dropneuron: 1 };

/** The task loss and the three penalty terms for one batch; dropout is on when `dropoutSeed` is given. */
export function lossParts(network: Network, task: Task, x: tf.Tensor, y: tf.Tensor, dropoutSeed?: number, scale: PenaltyWeights = FULL_PENALTIES): LossParts {
  const out = network.forward(x, dropoutSeed);
  let data: tf.Scalar;
  if (task === 'classify') {
    const labels = tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32') as tf.Tensor1D, out.shape[1]!);
    data = tf.losses.softmaxCrossEntropy(labels, out) as tf.Scalar;
  } else {
    const target = task === 'autoencode' ? tf.reshape(x, out.shape) : tf.reshape(y, out.shape);
    data = tf.mean(tf.square(tf.sub(out, target))) as tf.Scalar;
  }
  const parts: LossParts = { data, l1: tf.scalar(0), l2: tf.scalar(0), dropneuron: tf.scalar(0) };
  for (const p of network.params) {
    const reg = p.layer.reg;
    const terms = layerPenalties(p.w, p.b, { l1: reg.l1 * scale.l1, l2: reg.l2 * scale.l2, dropneuron: reg.dropneuron * scale.dropneuron });
    parts.l1 = tf.add(parts.l1, terms.l1);
    parts.l2 = tf.add(parts.l2, terms.l2);
    parts.dropneuron = tf.add(parts.dropneuron, terms.dropneuron);
  }
  return parts;
}

/**
 * One optimizer step on a batch. Returns the loss parts as kept tensors (the caller disposes them), so
 * that they can be summed on the device without a sync per batch.
 */
export function trainStep(
  network: Network,
  optimizer: tf.Optimizer,
  task: Task,
  x: tf.Tensor,
  y: tf.Tensor,
  dropoutSeed: number,
  scale: PenaltyWeights = FULL_PENALTIES,
): tf.Scalar[] {
  const kept: tf.Scalar[] = [];
  tf.tidy(() => {
    optimizer.minimize(
      () => {
        const parts = lossParts(network, task, x, y, dropoutSeed, scale);
        kept.push(...LOSS_PARTS.map((k) => tf.keep(parts[k])));
        return tf.addN(LOSS_PARTS.map((k) => parts[k])) as tf.Scalar;
      },
      false,
      network.variables,
    );
  });
  return kept;
}
