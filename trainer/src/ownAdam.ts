import * as tf from '@tensorflow/tfjs-core';

/** A named tensor as tf.Optimizer's weights API passes them (tfjs-core does not export the type by name). */
export type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * What the trainer's own Adam implementations share (HostAdam on wasm and cpu, FusedAdam on webgpu): tfjs' Adam's
 * serialization name, so a checkpoint records the same optimizer whichever wrote it, and an ordinary instanceof.
 */
export abstract class OwnAdam extends tf.Optimizer {
  /** Serialization name of tfjs' Adam: a checkpoint records the same optimizer. */
  static get className(): string {
    return 'Adam';
  }

  /**
   * An ordinary instanceof. tf.Optimizer answers `instanceof` by duck typing (any object with minimize,
   * computeGradients and applyGradients, so that optimizers from another copy of tfjs pass), and a subclass inherits
   * that: without this every tfjs optimizer would pass `instanceof HostAdam`.
   */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, instance);
  }
}
