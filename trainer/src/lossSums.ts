import * as tf from '@tensorflow/tfjs-core';
import { totalOf, type Loss } from '../../protocol/events.ts';
import { LOSS_PARTS } from './step.ts';

/**
 * An epoch's running loss sums, kept on the device: one read per epoch, not one sync per batch. Parts that
 * other workers computed arrive as numbers and are summed on the host beside them.
 */
export class LossSums {
  private sums: tf.Tensor1D = tf.zeros([LOSS_PARTS.length]);
  private readonly host = new Float64Array(LOSS_PARTS.length);

  /** Adds one step's loss parts (LOSS_PARTS order) and disposes them. */
  add(parts: tf.Tensor1D): void {
    const next = tf.add(this.sums, parts) as tf.Tensor1D;
    tf.dispose([this.sums, parts]);
    this.sums = next;
  }

  /** Adds loss parts read already (LOSS_PARTS order). */
  addHost(parts: ArrayLike<number>): void {
    for (let i = 0; i < this.host.length; i++) this.host[i]! += parts[i]!;
  }

  /** The mean of each part over `batches` steps, and their total; reads the device once. */
  async mean(batches: number): Promise<Loss> {
    const sums = await this.sums.data();
    const parts = Object.fromEntries(LOSS_PARTS.map((k, i) => [k, (sums[i]! + this.host[i]!) / batches])) as Omit<Loss, 'total'>;
    return { total: totalOf(parts), ...parts };
  }

  dispose(): void {
    this.sums.dispose();
  }
}
