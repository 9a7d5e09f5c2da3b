import type { TrainingListener } from './listener.ts';

/** Passes every batch end to a progress callback (the CLI's progress bar). */
export function progressListener(onBatch: (epoch: number, batch: number, batches: number) => void): TrainingListener {
  return { onBatchEnd: ({ epoch, batch, batches }) => onBatch(epoch, batch, batches) };
}
