import * as tf from '@tensorflow/tfjs-core';

/**
 * The compute shaders `f` dispatches on the webgpu backend, in all and by program (its class name, or a fused
 * kernel's `name`). Wraps the backend's recordAndSubmit, an internal of tfjs-backend-webgpu 4.22 that every
 * dispatch goes through: the count test/bench/trainer.bench.ts has reported since the backend came.
 */
export async function countDispatches(f: () => Promise<void>): Promise<{ dispatches: number; byProgram: Map<string, number> }> {
  const backend = tf.backend() as unknown as { recordAndSubmit: (program: object, ...rest: unknown[]) => unknown };
  const record = backend.recordAndSubmit;
  let dispatches = 0;
  const byProgram = new Map<string, number>();
  backend.recordAndSubmit = function (this: unknown, program: object, ...rest: unknown[]) {
    dispatches++;
    const name = (program as { name?: string }).name ?? program.constructor.name;
    byProgram.set(name, (byProgram.get(name) ?? 0) + 1);
    return record.call(this, program, ...rest);
  };
  try {
    await f();
  } finally {
    backend.recordAndSubmit = record;
  }
  return { dispatches, byProgram };
}
