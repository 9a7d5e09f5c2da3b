/**
 * The custom LSP messages between the DropNeuron language server and its clients. Each is a typed
 * `RequestType` / `NotificationType`: the server registers the handler and the client sends it through the
 * same constant, so the method name and both payload types exist once. Any other LSP client can send the
 * same JSON. Each says who sends it.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { BackendName } from '../language/index.ts';
import type { GpuAdapter, Summary, TrainerEvent } from './events.ts';
import type { ExportFormat } from './modelFormats.ts';
import type { KeptNeurons } from './present.ts';
import type { PruneResult } from './prune.ts';
import type { RunInfo, RunResult, ThresholdCurve } from './runFolder.ts';
import type { TrainingOverrides } from './settings.ts';
import type { SweepFile, SweepValue } from './sweep.ts';

/** Client → server: train the saved file behind `uri`, with settings that replace the spec's. */
export interface TrainParams {
  uri: string;
  overrides?: TrainingOverrides;
}
export type TrainResult =
  | {
      started: true;
      runId: string;
      /** The spec the run trains (a resumed run's, which the client may not have open). */
      uri?: string;
    }
  | {
      started: false;
      /** params: the request itself was malformed (null, a field of the wrong type); the message names what. */
      reason: 'errors' | 'busy' | 'not-a-file' | 'settings' | 'params';
      message: string;
      /** The editor setting to fix (`dropneuron.trainer.nodePath`): the client offers to open it. */
      setting?: string;
    };
export const TrainRequest = new RequestType<TrainParams, TrainResult, void>('dropneuron/train');

/** Client → server: stop the run of `uri` after its current batch. */
export interface StopParams {
  uri: string;
}
export interface StopResult {
  stopped: boolean;
}
export const StopRequest = new RequestType<StopParams, StopResult, void>('dropneuron/stop');

/**
 * Client → server: past runs, newest first, read from their run folders: of one spec (`uri`), or of every
 * spec under the workspace folders (no `uri`).
 */
export interface RunsParams {
  uri?: string;
}
export const RunsRequest = new RequestType<RunsParams, RunInfo[], void>('dropneuron/runs');

/** Client → server: every event a run folder holds (for a panel that shows a past run). */
export interface RunEventsParams {
  runDir: string;
}
export const RunEventsRequest = new RequestType<RunEventsParams, TrainerEvent[], void>('dropneuron/runEvents');

/**
 * Client → server: the runs training now, each with every event so far. Runs outlive the window (the trainer is
 * a detached process writing to its run folder): after a reload, or a language server restart, the client asks
 * here and then follows each run's `dropneuron/runEvent`s as before.
 */
export interface LiveRun {
  uri: string;
  runId: string;
  runDir?: string;
  events: TrainerEvent[];
}
export const ActiveRunsRequest = new RequestType<Record<string, never>, LiveRun[], void>('dropneuron/activeRuns');

/** Client → server: continue an interrupted run from its last checkpoint (`dropneuron train --resume`). */
export interface ResumeParams {
  runDir: string;
}
export const ResumeRequest = new RequestType<ResumeParams, TrainResult, void>('dropneuron/resume');

/** Client → server: delete a run folder (only a folder that is a run: it holds run.json). */
export interface DeleteRunParams {
  runDir: string;
}
export interface DeleteRunResult {
  deleted: boolean;
  message?: string;
}
export const DeleteRunRequest = new RequestType<DeleteRunParams, DeleteRunResult, void>('dropneuron/deleteRun');

/** Client → server: write a run's compact model (`full`: the pruned full model) to `target`, a file path (a folder for tfjs). */
export interface ExportModelParams {
  runDir: string;
  format: ExportFormat;
  target: string;
  full?: boolean;
}
/** `path` and its size next to the other model's when it worked; else `message`, one sentence naming what is missing. */
export interface ExportModelResult {
  path?: string;
  /** For safetensors: the model.py written beside it. */
  python?: string;
  bytes?: number;
  otherBytes?: number;
  message?: string;
}
export const ExportModelRequest = new RequestType<ExportModelParams, ExportModelResult, void>('dropneuron/exportModel');

/** One row of the Layers view: the checked layer and, after a run, what it kept. */
export interface LayerInfo {
  name: string;
  kind: string;
  /** 0-based line of the layer's statement. */
  line: number;
  outputShape?: number[];
  params: number;
  /** From the latest run of the spec: its summary when finished, else its last epoch. */
  kept?: KeptNeurons;
  /** The layer's size in the run's compact model (what Shrink writes), when the run finished. */
  compactSize?: number;
  /**
   * The layer's size in the run that `kept` describes, when the spec now says another (it was edited since, e.g.
   * shrunk): `kept` is then that run's count, not a share of the spec's size.
   */
  trainedSize?: number;
  /** A weighted layer of a spec with a `weights` file (an imported model): the file, as the spec names it; training starts from it. */
  imported?: string;
}

/** Client → server: the checked layers of the document `uri` (as the server sees it, unsaved edits included). */
export interface LayersParams {
  uri: string;
}
export const LayersRequest = new RequestType<LayersParams, LayerInfo[], void>('dropneuron/layers');

/** What `dropneuron backends --json` prints: every backend, whether it loads here, and what `auto` picks. */
export interface BackendsReport {
  backends: { backend: BackendName; loads: boolean; reason?: string; adapter?: GpuAdapter }[];
  /** Every adapter WebGPU sees (hardware and software). */
  adapters: GpuAdapter[];
  /** What `backend auto` trains on here; undefined if nothing loads. */
  auto?: BackendName;
}

/** Client → server: the backends report of the Node that runs the trainer (`dropneuron.trainer.nodePath`). */
export interface BackendsParams {
  /** A document whose settings pick the trainer's Node. */
  uri?: string;
}
export const BackendsRequest = new RequestType<BackendsParams, BackendsReport | { error: string }, void>('dropneuron/backends');

/** Server → client: one trainer event of a run of `uri`, forwarded unchanged. */
export interface RunEventParams {
  uri: string;
  runId: string;
  event: TrainerEvent;
}
export const RunEventNotification = new NotificationType<RunEventParams>('dropneuron/runEvent');

/**
 * The code action kind of "Shrink layers to trained sizes": the client finds the server's action by this
 * kind, never by its title (a title is for people and may change).
 */
export const SHRINK_ACTION_KIND = 'refactor.rewrite.dropneuron.shrink';

/** A run folder's edits to its spec: the sizes of a finished run applied to the spec it trained. */
export interface ShrinkParams {
  uri: string;
  /** The run to take sizes from; the latest finished run of `uri` when absent. */
  runDir?: string;
}
export interface ShrinkResult {
  edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[];
  /** The run's summary the sizes come from: what they cost (`damage`), so that a client can ask before applying a damaged run's sizes. */
  summary?: Summary;
}
/** Client → server: the edits that set every layer of `uri` to its size in a run's compact model. */
export const ShrinkRequest = new RequestType<ShrinkParams, ShrinkResult, void>('dropneuron/shrink');

/** A finished run re-pruned at other thresholds, without training (`dropneuron prune RUN_DIR --json`). */
export interface PruneParams {
  runDir: string;
  /** At most 64, each ≥ 0; none: the run's own threshold. */
  thresholds: number[];
  /** Also write each variant (compact model, pruned spec) to `<runDir>/pruned-<threshold>/`. */
  write?: boolean;
}
export type PruneReply = { results: PruneResult[] } | { error: string };
/** Client → server: the run's summary statistics at each threshold (a threshold slider's exact values, or a variant to keep). */
export const PruneRequest = new RequestType<PruneParams, PruneReply, void>('dropneuron/prune');

export interface ThresholdCurveParams {
  runDir: string;
}
/** Client → server: the run's threshold curve (threshold-curve.json), or null for a run without one (unfinished, or older). */
export const ThresholdCurveRequest = new RequestType<ThresholdCurveParams, ThresholdCurve | null, void>('dropneuron/thresholdCurve');

/** A sweep folder as the server reads it: sweep.json, and each trial's run folder (what a panel or a row opens). */
export interface SweepInfo {
  sweepDir: string;
  /** The model's name: the sweep folder's name (`.dropneuron/sweeps/<model>/`). */
  model: string;
  sweep: SweepFile;
  /** Each trial's run folder, by trial id, once the trial has started one. */
  runs: Record<string, RunInfo>;
}
/** Client → server: the sweeps under the workspace folders (no `specPath`), or of the one spec `specPath` (a file path). */
export interface SweepsParams {
  specPath?: string;
}
export const SweepsRequest = new RequestType<SweepsParams, SweepInfo[], void>('dropneuron/sweeps');

/**
 * Client → server: the edits that bring one point of a sweep into the spec `uri`. `apply`: the trial's settings
 * and the point's threshold, each written into its `regularize` or `train` line; `shrink`: every layer set to its
 * size in the trial's compact model at that threshold (the Shrink edit, measured by `dropneuron prune`).
 */
export interface SweepPointParams {
  uri: string;
  action: 'apply' | 'shrink';
  /** The trial's run folder (for `shrink`). */
  runDir: string;
  settings: Record<string, SweepValue>;
  /** The point's threshold; absent: `apply` leaves the spec's, `shrink` takes the run's own. */
  threshold?: number;
}
export interface SweepPointResult {
  edits: ShrinkResult['edits'];
  /** Why there are no edits, in one sentence. */
  message?: string;
}
export const SweepPointRequest = new RequestType<SweepPointParams, SweepPointResult, void>('dropneuron/sweepPoint');

export type { RunInfo, RunResult };

/**
 * Client → server: a new spec for the user's CSV file at `path` (New Spec from Data File…), written for a spec in
 * `folder`: the file's columns, target, classes and test file read by the server (store/tableFacts.ts), the text
 * from language/tableSpec.ts. `name` is the spec's file name (`houses.dnn`); `problem` says why there is none.
 */
export interface SpecForDataParams {
  path: string;
  folder: string;
}
export type SpecForDataResult = { text: string; name: string } | { problem: string };
export const SpecForDataRequest = new RequestType<SpecForDataParams, SpecForDataResult, void>('dropneuron/specForData');

/**
 * Client → server: Import Model… — `dropneuron import --out SPEC -- MODEL` in a child process (docs/import.md): a
 * spec mirroring the model at `path` (.onnx, or a TF.js LayersModel's model.json) and its weights file beside
 * `out`, written only where no file is. `spec` is the spec written; `problem` the import's one sentence, with the
 * `fix` the editor offers where one exists: `anotherName` when a file was already at `out` or beside it,
 * `nodeSetting` when the Node that runs the trainer cannot be (dropneuron.trainer.nodePath).
 */
export interface ImportModelParams {
  path: string;
  out: string;
}
export type ImportModelResult = { spec: string; weights: string } | { problem: string; fix?: 'anotherName' | 'nodeSetting' };
export const ImportModelRequest = new RequestType<ImportModelParams, ImportModelResult, void>('dropneuron/importModel');
