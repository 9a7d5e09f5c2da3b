import * as tf from '@tensorflow/tfjs-core';
import type { Loss } from '../../protocol/events.ts';
import { LOSS_PARTS } from './step.ts';

/** An epoch's running loss sums, kept on the device: one read per epoch, not one sync per batch. */
export class LossSums {
  private sums = LOSS_PARTS.map(() => tf.scalar(0));

  /** Adds one step's loss parts (in LOSS_PARTS order) and disposes them. */
  add(parts: tf.Scalar[]): void {
    const next = this.sums.map((s, i) => tf.add(s, parts[i]!) as tf.Scalar);
    tf.dispose([...this.sums, ...parts]);
    this.sums = next;
  }

  /** The mean of each part over `batches` steps, and their total; reads the device once. */
  async mean(batches: number): Promise<Loss> {
    const means = await Promise.all(this.sums.map(async (s) => (await s.data())[0]! / batches));
    const loss: Loss = { total: 0, data: 0, l1: 0, l2: 0, dropneuron: 0 };
    LOSS_PARTS.forEach((k, i) => (loss[k] = means[i]!));
    loss.total = loss.data + loss.l1 + loss.l2 + loss.dropneuron;
    return loss;
  }

  dispose(): void {
    tf.dispose(this.sums);
  }
}
