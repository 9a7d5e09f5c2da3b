import * as tf from '@tensorflow/tfjs-core';

/**
 * Tensors in this thread's memory: reading them without a copy, making them from reused buffers, and whether the
 * backend keeps them here at all. The host loops (ops.ts, reduce.ts, hostAdam.ts) and the pool's shared-memory
 * copies (parallel/weights.ts) build on these.
 */

/**
 * A tensor's values without a copy where the backend allows: on wasm a view of its heap, valid until the next
 * kernel runs. dataSync allocates a fresh array on every call, and at one per variable per step the page faults
 * of those allocations cost more than the copies themselves (measured: a median 5.6 ms against 0.3 ms for
 * LeNet-300-100's weights).
 */
export function valuesOf(t: tf.Tensor): Float32Array {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.TensorInfo) => Float32Array };
  return backend.typedArrayFromHeap ? backend.typedArrayFromHeap(t) : (t.dataSync() as Float32Array);
}

/**
 * A tensor of `values`, which the caller may overwrite afterwards (a scratch buffer reused across steps): wasm
 * copies an array into its heap; the cpu backend keeps the array it is given as the tensor's storage, so it gets a
 * copy. On wasm that copy, a fresh allocation of the tensor's size per call, would cost more than the loops that
 * fill these buffers (a megabyte's allocation measured 4.7 ms, its page faults included).
 */
export function tensorFromScratch(values: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(onWasmHeap() ? values : values.slice(), shape);
}

/** Whether tensors live in the wasm heap (readable as views: valuesOf). */
function onWasmHeap(): boolean {
  return (tf.backend() as unknown as { typedArrayFromHeap?: unknown }).typedArrayFromHeap !== undefined;
}

/** Whether the backend keeps tensors in this thread's memory (wasm, cpu): host loops can read them synchronously. */
export function hostMemory(): boolean {
  return onWasmHeap() || tf.getBackend() === 'cpu';
}

/** A reusable Float32Array of at least `size` values (grown as needed); its old contents are not cleared. */
export class Scratch {
  private buffer = new Float32Array(0);
  take(size: number): Float32Array {
    if (this.buffer.length < size) this.buffer = new Float32Array(size);
    return this.buffer.subarray(0, size);
  }
}
