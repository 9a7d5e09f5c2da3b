import * as tf from '@tensorflow/tfjs-core';
import type { EpochEvent } from '../../protocol/events.ts';
import { RunFolder } from '../../store/runFolder.ts';
import { RunFolderError } from '../../store/files.ts';
import type { CheckpointState } from '../../protocol/runFolder.ts';
import type { Trainee } from './loop.ts';

/**
 * Saves what resuming needs after `epoch`: the network's variables, the optimizer's state, the RNG's, and
 * the epoch's event (the log gets it after the checkpoint; a resumed run takes it from here if a kill came
 * in between). The state is the same size at every epoch: the event log is appended to, not kept here.
 */
export async function saveCheckpoint(t: Trainee, folder: RunFolder, epoch: number, event: EpochEvent): Promise<void> {
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
  folder.saveCheckpoint({ epoch, rngState: t.rng.state, tensors: names, event }, tensors);
}

/**
 * Loads the folder's last checkpoint into the trainee (weights, optimizer state, RNG state) and returns the
 * epoch it was taken after and that epoch's event; undefined when the folder has no checkpoint yet.
 */
export async function restoreCheckpoint(t: Trainee, folder: RunFolder): Promise<{ epoch: number; event?: EpochEvent } | undefined> {
  const checkpoint = folder.loadCheckpoint();
  if (!checkpoint) return undefined;
  const { state, tensors } = checkpoint;
  const variables = state.tensors.flatMap((s, i) => (s.group === 'variable' ? [tensors[i]!] : []));
  const expected = t.network.params.map((p) => [p.w.size, p.b.size]).flat();
  if (variables.length !== expected.length || variables.some((v, i) => v.length !== expected[i])) {
    throw new RunFolderError(
      `${folder.dir}: expected a checkpoint of this run's ${expected.length / 2} weighted layers, found one that does not match (damaged checkpoint)`,
    );
  }
  t.network.write(t.network.params.map((_, i) => ({ w: variables[2 * i]!, b: variables[2 * i + 1]! })));
  const optimizerWeights = state.tensors.flatMap((s, i) => (s.group === 'optimizer' ? [{ name: s.name, tensor: tf.tensor(tensors[i]!, s.shape) }] : []));
  if (optimizerWeights.length) await t.optimizer.setWeights(optimizerWeights);
  // setWeights copies what it keeps into variables of its own.
  tf.dispose(optimizerWeights.map((w) => w.tensor));
  t.rng.state = state.rngState;
  const event = RunFolder.checkpointEvent(state);
  return { epoch: state.epoch, ...(event ? { event } : {}) };
}
