import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoneEvent, ErrorEvent, TrainerEvent } from '../../protocol/events.ts';
import { train, type TrainOptions } from '../../trainer/src/run.ts';
import { tempDir as makeTempDir } from '../helpers/tempDir.ts';

/** A temporary folder removed after the test file's tests (test/helpers/tempDir.ts). */
export function tempDir(prefix = 'dnn-train-', t?: { after(fn: () => void): void }): string {
  return makeTempDir(prefix, t);
}

export function writeSpec(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export const SMALL_MNIST = `model small {
  data mnist limit=2000
  input 784
  dense fc1 64 relu
  dense fc2 32 relu
  dense out 10
}

regularize {
  l1 0.0001
  keep_prob 0.8
  dropneuron 0.001
  threshold 0.01
}

train {
  epochs 2
  batch 128
  seed 3
}
`;

export async function trainCollect(options: Omit<TrainOptions, 'emit'>): Promise<{ events: TrainerEvent[]; result: DoneEvent | ErrorEvent }> {
  const events: TrainerEvent[] = [];
  const result = await train({ ...options, emit: (e) => events.push(e) });
  return { events, result };
}

/** A small classifier on generated data: the quick spec the robustness and run-folder tests train. */
export function syntheticSpec(epochs: number, extraTrain = ''): string {
  return `model syn {
  data synthetic samples=256 classes=10
  input 20
  dense fc1 32 relu
  dense out 10
}
regularize {
  l1 0.0001
  dropneuron 0.001
}
train {
  epochs ${epochs}
  batch 64
${extraTrain}}
`;
}
