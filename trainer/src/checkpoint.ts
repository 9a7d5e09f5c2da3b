import * as tf from '@tensorflow/tfjs-core';
import type { EpochEvent, TrainerEvent } from '../../protocol/events.ts';
import type { CheckpointState, RunFolder } from '../../protocol/runFolder.ts';
import type { Trainee } from './loop.ts';

/**
 * Saves what resuming needs after `epoch`: the network's variables, the optimizer's state and the RNG's.
 * `events` (this session's start event, then every epoch event so far) is what the folder's event log is
 * rewritten from, so the log never runs ahead of what can be resumed.
 */
export async function saveCheckpoint(t: Trainee, folder: RunFolder, epoch: number, events: TrainerEvent[]): Promise<void> {
  const variables = t.network.variables;
  const optimizerWeights = await t.optimizer.getWeights();
  const tensors: Float32Array[] = [];
  const names: CheckpointState['tensors'] = [];
  for (const v of variables) {
    tensors.push((await v.data()) as Float32Array);
    names.push({ name: v.name, shape: v.shape, group: 'variable' });
  }
  for (const w of optimizerWeights) {
    tensors.push(Float32Array.from(await w.tensor.data()));
    names.push({ name: w.name, shape: w.tensor.shape, group: 'optimizer' });
    // The optimizer's step count comes as a fresh scalar on every call; its moments are its own variables.
    if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  }
  folder.saveCheckpoint({ epoch, rngState: t.rng.state, tensors: names, events }, tensors);
}

/**
 * Loads the folder's last checkpoint into the trainee (weights, optimizer state, RNG state) and returns the
 * epoch it was taken after and the epoch events up to it; undefined when the folder has no checkpoint yet.
 */
export async function restoreCheckpoint(t: Trainee, folder: RunFolder): Promise<{ epoch: number; epochs: EpochEvent[] } | undefined> {
  const checkpoint = folder.loadCheckpoint();
  if (!checkpoint) return undefined;
  const { state, tensors } = checkpoint;
  const variables = state.tensors.flatMap((s, i) => (s.group === 'variable' ? [tensors[i]!] : []));
  t.network.write(t.network.params.map((_, i) => ({ w: variables[2 * i]!, b: variables[2 * i + 1]! })));
  const optimizerWeights = state.tensors.flatMap((s, i) => (s.group === 'optimizer' ? [{ name: s.name, tensor: tf.tensor(tensors[i]!, s.shape) }] : []));
  if (optimizerWeights.length) await t.optimizer.setWeights(optimizerWeights);
  // setWeights copies what it keeps into variables of its own.
  tf.dispose(optimizerWeights.map((w) => w.tensor));
  t.rng.state = state.rngState;
  return { epoch: state.epoch, epochs: state.events.filter((e): e is EpochEvent => e.type === 'epoch') };
}
