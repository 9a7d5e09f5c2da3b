/**
 * The custom LSP messages between the DropNeuron language server and its clients (the VS Code extension
 * imports this file; any other LSP client can send the same JSON). Each says who sends it.
 */
import type { DoneEvent, EpochEvent, TrainerEvent } from '../../trainer/src/protocol.ts';

export type { DoneEvent, EpochEvent, TrainerEvent };

/** Overrides a client may pass with a train request (the command line's flags, by the spec's names). */
export interface TrainOverrides {
  epochs?: number;
  batch?: number;
  backend?: 'auto' | 'gpu' | 'node' | 'wasm' | 'cpu';
  l1?: number;
  l2?: number;
  keepProb?: number;
  dropneuron?: number;
  threshold?: number;
  limit?: number;
}

/** Client → server request: train the saved file behind `uri`. */
export const TrainRequest = 'dropneuron/train';
export interface TrainParams {
  uri: string;
  overrides?: TrainOverrides;
}
export type TrainResult =
  | { started: true; runId: string }
  | { started: false; reason: 'errors' | 'busy' | 'not-a-file'; message: string };

/** Client → server request: stop the run of `uri` after its current batch. */
export const StopRequest = 'dropneuron/stop';
export interface StopParams {
  uri: string;
}
export interface StopResult {
  stopped: boolean;
}

/** Client → server request: past runs of a document, newest first, read from their run folders. */
export const RunsRequest = 'dropneuron/runs';
export interface RunsParams {
  uri: string;
}
export type { RunInfo } from '../../trainer/src/runFolder.ts';

/** Server → client notification: one trainer event of a run of `uri`, forwarded unchanged. */
export const RunEventNotification = 'dropneuron/runEvent';
export interface RunEventParams {
  uri: string;
  runId: string;
  event: TrainerEvent;
}
