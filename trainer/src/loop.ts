import * as tf from '@tensorflow/tfjs-core';
import type { CheckedModel } from '../../language/index.ts';
import type { AutoStrengthSearch } from './autoStrength.ts';
import { Batches, oneHotClasses } from './batches.ts';
import type { Dataset } from './data/dataset.ts';
import { checkLoss } from './diverged.ts';
import type { BatchEnd, EpochEnd, RunEnd, TrainingListener } from './listeners/listener.ts';
import { LossSums } from './lossSums.ts';
import type { Network } from './network.ts';
import type { Rng } from './rng.ts';
import { planEpoch, PruneMask, setLearningRate, totalEpochs, type EpochPlan } from './schedule.ts';
import { zeroBelowThreshold } from './layerWeights.ts';
import type { OrtStep } from './ort/ortStep.ts';
import type { StepPool } from './parallel/pool.ts';
import { stepLoss } from './step.ts';

/** What a run trains and with what. The loop changes the network, the optimizer and the RNG; listeners only read them. */
export interface Trainee {
  model: CheckedModel;
  data: Dataset;
  network: Network;
  optimizer: tf.Optimizer;
  /** Shuffles and seeds dropout; its state is checkpointed so that a resumed run continues the same sequence. */
  rng: Rng;
  /** `dropneuron auto`'s search: the λ of each epoch (absent for a fixed λ). */
  auto?: AutoStrengthSearch | undefined;
  /**
   * Workers that take shares of every batch (wasm with `threads` over 1); absent: this thread steps alone.
   * The network and optimizer here stay the run's one copy: workers only compute gradients.
   */
  pool?: StepPool | undefined;
  /**
   * The `ort` backend's step executor (trainer/src/ort/): it holds the weights and the optimizer's state during an
   * epoch and writes them back into the network and the optimizer at its end, before any listener reads them.
   */
  ort?: OrtStep | undefined;
}

export interface LoopOptions {
  /** 1 for a new run; the epoch after the checkpoint for a resumed one. */
  startEpoch: number;
  listeners: readonly TrainingListener[];
  /** Polled after every batch; true stops the run after that batch, and the unfinished epoch is not reported. */
  shouldStop?: (() => boolean) | undefined;
}

/**
 * Trains the schedule's epochs from `startEpoch` on, one step per batch, and calls the listeners at each
 * batch end, epoch end and the run's end (in list order, awaiting each). It does no I/O and sends no
 * events: that is the listeners' work. An epoch whose loss is not finite throws a DivergedError.
 */
export async function trainLoop(t: Trainee, options: LoopOptions): Promise<RunEnd> {
  const { model } = t;
  const batches = t.pool?.batches ?? new Batches(t.data, model.train.batch, oneHotClasses(model));
  const end: RunEnd = { stopped: false, epochsCompleted: options.startEpoch - 1 };
  /** Set once the fine-tune phase has pruned the network. */
  let mask: PruneMask | undefined;
  try {
    for (let epoch = options.startEpoch; epoch <= totalEpochs(model.train); epoch++) {
      const plan = planEpoch(model.train, epoch, t.auto?.lambdaFor(epoch));
      if (plan.phase === 'finetune' && !mask) mask = await fixSparsity(t, epoch);
      setLearningRate(t.optimizer, plan.learningRate);
      const epochEnd = await trainEpoch(t, epoch, plan, batches, mask, options);
      if (!epochEnd) {
        end.stopped = true;
        break;
      }
      end.epochsCompleted = epoch;
      for (const listener of options.listeners) await listener.onEpochEnd?.(epochEnd);
    }
    for (const listener of options.listeners) await listener.onRunEnd?.(end);
    return end;
  } finally {
    mask?.dispose();
  }
}

/** One pass over the shuffled training set; undefined when a stop request ended it early. */
async function trainEpoch(
  t: Trainee,
  epoch: number,
  plan: EpochPlan,
  batches: Batches,
  mask: PruneMask | undefined,
  options: LoopOptions,
): Promise<EpochEnd | undefined> {
  const t0 = performance.now();
  const order = t.rng.permutation(t.data.trainCount);
  const sums = new LossSums();
  await t.ort?.load(t.network, t.optimizer, mask);
  try {
    for (let b = 0; b < batches.count; b++) {
      const step = { dropoutSeed: t.rng.seed(), scale: plan.penalties, inputs: t.auto?.inputsFor(epoch) };
      if (t.pool) await t.pool.step(t, order, b, step, sums);
      else if (t.ort) await t.ort.stepBatch(t.network, t.optimizer, batches, order, b, step, sums);
      else {
        const { x, y } = batches.take(order, b);
        sums.add(stepLoss(t.network, t.optimizer, t.model.task, x, y, step));
        tf.dispose([x, y]);
      }
      // The ort step applies the mask to the weights it holds.
      if (!t.ort) mask?.apply(t.network);
      const batchEnd: BatchEnd = { epoch, batch: b + 1, batches: batches.count };
      for (const listener of options.listeners) listener.onBatchEnd?.(batchEnd);
      // Yield so that a stop request (stdin, signal) can arrive between batches.
      await new Promise((r) => setImmediate(r));
      if (options.shouldStop?.()) return undefined;
    }
    const loss = await sums.mean(batches.count);
    // The epoch's one read of the loss: a part that went NaN or infinite stops the run before any listener
    // reports, checkpoints or sends the epoch.
    checkLoss(loss, t.model, epoch);
    return { epoch, phase: plan.phase, loss, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await t.ort?.store(t.network, t.optimizer);
    sums.dispose();
  }
}

/**
 * Prunes at the threshold and fixes the mask that holds the pruned weights at zero from here on. A run
 * resumed inside the fine-tune phase restores weights that were pruned already, so its mask is just their
 * nonzeros: re-pruning would drop survivors that fine-tuning has since moved under the threshold, and the
 * resumed run would differ from an unbroken one.
 */
async function fixSparsity(t: Trainee, epoch: number): Promise<PruneMask> {
  if (epoch === t.model.train.epochs + 1) t.network.write(zeroBelowThreshold(await t.network.read(), t.model.regularize.threshold));
  return PruneMask.of(t.network);
}
