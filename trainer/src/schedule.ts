import * as tf from '@tensorflow/tfjs-core';
import { PENALTY_TERMS, perPenalty, type TrainSettings } from '../../language/index.ts';
import type { Network } from './network.ts';
import { FULL_PENALTIES, type PenaltyWeights } from './penalties.ts';

/**
 * The training schedule of a spec's `train` block: `warmup` ramps the penalties in, `finetune` adds epochs
 * after `epochs` in which the pruned weights stay zero and only the survivors train. docs/method.md has
 * the reasoning.
 */
export type Phase = 'train' | 'finetune';

export interface EpochPlan {
  phase: Phase;
  /** Multipliers of the spec's penalty strengths (l1, l2, DropNeuron …) for this epoch. */
  penalties: PenaltyWeights;
  learningRate: number;
}

export function finetuneLearningRate(train: TrainSettings): number {
  return train.finetuneLr ?? train.learningRate / 10;
}

/**
 * The share of `finetune_lr` that fine-tune epoch `k` (1 … finetune) trains at. Cosine: ½(1 + cos(π (k − 1) / N)),
 * all of it in the first epoch (the network has just lost its pruned weights and has the most to re-learn) and a
 * small fraction in the last, so that the shipped weights are a settled point rather than wherever the last
 * epoch's noise left them. Per epoch, not per step: a resumed run takes the same rates without counting steps.
 */
export function finetuneDecay(train: TrainSettings, k: number): number {
  if (train.finetuneSchedule === 'constant') return 1;
  return 0.5 * (1 + Math.cos((Math.PI * (k - 1)) / train.finetune));
}

export function totalEpochs(train: TrainSettings): number {
  return train.epochs + train.finetune;
}

/**
 * The plan of epoch `epoch`. `dropneuron`: the λ `dropneuron auto` found for it (trainer/src/autoStrength.ts),
 * which replaces the warm-up's ramp of that term: its reference epochs are the warm-up.
 */
export function planEpoch(train: TrainSettings, epoch: number, dropneuron?: number): EpochPlan {
  const plan = scheduled(train, epoch);
  if (dropneuron === undefined || plan.phase === 'finetune') return plan;
  return { ...plan, penalties: { ...plan.penalties, dropneuron } };
}

function scheduled(train: TrainSettings, epoch: number): EpochPlan {
  if (epoch > train.epochs) {
    // The sparsity is fixed from here on: the penalties that push towards zero would only cost accuracy.
    const penalties = perPenalty((t) => (PENALTY_TERMS[t].finetune === 'keep' ? 1 : 0));
    return { phase: 'finetune', penalties, learningRate: finetuneLearningRate(train) * finetuneDecay(train, epoch - train.epochs) };
  }
  if (epoch <= train.warmup) {
    const f = epoch / train.warmup;
    return { phase: 'train', penalties: perPenalty(() => f), learningRate: train.learningRate };
  }
  return { phase: 'train', penalties: FULL_PENALTIES, learningRate: train.learningRate };
}

/** Adam and RMSProp read `learningRate` on every step; SGD and momentum keep it in a tensor set through `setLearningRate`. */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const o = optimizer as tf.Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void };
  if (o.learningRate === learningRate) return;
  if (o.setLearningRate) o.setLearningRate(learningRate);
  else o.learningRate = learningRate;
}

/** Which weights survived pruning: multiplying by it after every step holds the pruned ones at exactly zero. */
export class PruneMask {
  private constructor(private readonly masks: tf.Tensor[]) {}

  /** The nonzero weights of the network as it is now (call it after writing the pruned weights). */
  static of(network: Network): PruneMask {
    return new PruneMask(network.params.map((p) => tf.tidy(() => tf.cast(tf.notEqual(p.w, 0), 'float32'))));
  }

  apply(network: Network): void {
    tf.tidy(() => network.params.forEach((p, i) => p.w.assign(tf.mul(p.w, this.masks[i]!))));
  }

  dispose(): void {
    tf.dispose(this.masks);
  }
}
