/**
 * The trainer's event stream: one JSON object per line on stdout, each with `v` (the protocol version)
 * and `type`. The language server reads it and forwards each event to the client unchanged; the CLI
 * renders it. docs/trainer-protocol.md describes it; these types are the contract.
 */
// The penalty terms (language/penalties.ts), whose values a loss and the start event's settings carry.
import { sumOfPenalties, type PerPenalty } from '../language/penalties.ts';
import type { FinetuneSchedule } from '../language/vocabulary.ts';
import type { ExportFormat } from './modelFormats.ts';

export const PROTOCOL_VERSION = 1;

export type Metric = 'accuracy' | 'nmse' | 'mse';

export interface LayerSummary {
  name: string;
  kind: string;
  outputShape: number[];
  params: number;
}

/** A GPU as WebGPU (Dawn) describes it. */
export interface GpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software adapter (lavapipe, SwiftShader) runs on the CPU: `auto` never picks it. */
  software: boolean;
}

/** First event of a run. */
export interface StartEvent {
  v: 1;
  type: 'start';
  runDir: string;
  specPath: string;
  model: string;
  task: 'classify' | 'regress' | 'autoencode';
  metric: Metric;
  backend: string;
  /** Backends tried before `backend` under `auto`, with the reason each was skipped. */
  backendSkipped: { backend: string; reason: string }[];
  /** The GPU the run trains on, for the webgpu backend. */
  adapter?: GpuAdapter;
  /** Threads that train (wasm: the `threads` setting; every other backend: 1). Absent in logs written before it existed. */
  threads?: number;
  /** All epochs of the run: the spec's `epochs` plus its `finetune` epochs. */
  epochs: number;
  /** 1 for a new run; the next epoch for a resumed one. */
  startEpoch: number;
  batch: number;
  params: number;
  trainSamples: number;
  testSamples: number;
  /** Training samples held out to steer and select on (`validation`, and `dropneuron auto`'s default); absent or 0: none. */
  validationSamples?: number;
  /** What the run goes on with but the user should know (a data set too small to learn from: protocol/dataSize.ts). */
  warnings?: string[];
  inputShape: number[];
  layers: LayerSummary[];
  /** Settings that replace the spec's for this run, by the spec's names (`{ "epochs": 1 }`); absent when none do. */
  overrides?: Record<string, number | string>;
  /** The `regularize` strength of each penalty term (PENALTY_TERMS: `l1`, `l2`, `dropneuron`), and the other settings. */
  settings: PerPenalty & {
    keepProb: number;
    threshold: number;
    learningRate: number;
    optimizer: string;
    seed: number;
    /** The schedule (absent in runs recorded before it existed): see `train` in docs/language.md. */
    warmup?: number;
    finetune?: number;
    finetuneLr?: number;
    /** How the fine-tune's rate moves over its epochs: `constant` or `cosine` (absent in runs recorded before it existed). */
    finetuneSchedule?: FinetuneSchedule;
    /** `dropneuron auto`: the run finds λ itself (`dropneuron` above is then the unit its layers' weights multiply). */
    auto?: boolean;
    /** λ of the input groups (pixels, CSV columns, flattened features), relative to the neurons' (`inputs_weight`). */
    inputsWeight?: number;
    /** How a group's penalty is weighed by its size: `sqrt` (√|g|, group lasso's usual) or `none` (the seed's). */
    groupScale?: 'none' | 'sqrt';
    /** How DropNeuron's penalty moved the weights: `gradient` (the seed's) or `proximal` (absent: gradient). */
    update?: 'gradient' | 'proximal';
    /** What pruning (and `auto`'s search) may cost, in points: the spec's `tolerance`. */
    tolerance?: number;
  };
  /**
   * A run of a spec with a `weights` file (an imported model, docs/import.md): those weights' test metric before
   * any training, as `dropneuron evaluate` scores them, and the file (as the spec names it). The panel draws it as
   * the reference line. Sent at a new run's start only (a resumed part starts from its checkpoint instead).
   */
  imported?: { value: number; weights: string };
}

/**
 * Where `dropneuron auto`'s search stands after an epoch (docs/method.md): `reference` epochs train without the
 * DropNeuron penalty and measure what the network reaches on validation; `search` raises λ while the validation
 * metric stays within the tolerance of that reference; `inputs` then raises the input groups' multiplier the
 * same way; `hold` keeps the last values that did; fine-tuning then trains the survivors with the mask fixed.
 */
export interface AutoStrength {
  stage: 'reference' | 'search' | 'inputs' | 'hold' | 'finetune';
  /** The DropNeuron λ this epoch trained with. */
  lambda: number;
  /** The λ the next epoch trains with. */
  next: number;
  /** The best validation metric of the reference epochs (after pruning at the threshold), once measured. */
  reference?: number;
  /** The edge of the band: reference − tolerance points (accuracy), or reference + tolerance/100 (NMSE, MSE). */
  floor?: number;
  /** How much λ rises per epoch while the search is in the band (it narrows after each step out of it). */
  factor: number;
  /**
   * The input groups' own multiplier this epoch trained with (× λ × `inputs_weight`): the `inputs` stage raises it
   * once λ is found, so that inputs (pixels, columns) go without starving the neurons.
   */
  inputs: number;
  /** The multiplier the next epoch trains with. */
  nextInputs: number;
  /**
   * This epoch left the band, and the next trains from the weights of this earlier epoch, the last one in the
   * band (kept in memory: what a λ did over the epochs it took to show is undone, not only the λ lowered).
   */
  restored?: number;
}

/** Per weighted layer, measured on the weights pruned at the threshold. */
export interface LayerEpochStats {
  name: string;
  kind: string;
  /** Output neurons (dense units or conv filters). */
  units: number;
  /** Input rows of W (input neurons or input channels). */
  inputs: number;
  /** Output neurons with any nonzero incoming weight (nonzero columns of W). */
  aliveIn: number;
  /** Input neurons with any nonzero outgoing weight (nonzero rows of W). */
  aliveOut: number;
  /**
   * Neurons kept, by the one rule of kept (`protocol/kept.ts`): the layer's size in the compact model and the pruned
   * spec (0 for a layer that lost every neuron, which the compact model holds as one zero placeholder).
   */
  kept: number;
  /**
   * The layer's inputs that kept neurons read, by the same rule: the kept inputs for a first dense layer, the kept
   * neurons of the layer before when it reads them one for one (after a flatten, a kept channel's features at every
   * spatial position: in the layer's own rows, as `inputs`), else `aliveOut` (absent in runs recorded before it existed).
   */
  inputsRead?: number;
  weightsKept: number;
  weightsTotal: number;
  /** weightsKept / weightsTotal (the seed prints this as "sparsity"). */
  density: number;
}

/** An epoch's mean loss: the data loss, one part per penalty term (PENALTY_TERMS: `l1`, `l2`, `dropneuron`), and their sum. */
export interface Loss extends PerPenalty {
  total: number;
  data: number;
}

/** The penalty terms' part of a loss (what the panel draws as its penalty). */
export function penaltyOf(loss: Readonly<PerPenalty>): number {
  return sumOfPenalties(loss);
}

/** A loss's total: the data loss plus each penalty term, in the table's order. */
export function totalOf(loss: Readonly<Omit<Loss, 'total'>>): number {
  return sumOfPenalties(loss, loss.data);
}

/** After every finished epoch (also written to the run folder before the event is sent). */
export interface EpochEvent {
  v: 1;
  type: 'epoch';
  epoch: number;
  epochs: number;
  /** `finetune` once the network is pruned and only its survivors train (absent in runs recorded before the schedule existed). */
  phase?: 'train' | 'finetune';
  seconds: number;
  samplesPerSecond: number;
  /** Mean over the epoch's batches. */
  loss: Loss;
  metric: Metric;
  trainMetric: number;
  /** On the test set, with the weights pruned at the threshold. */
  testMetric: number;
  layers: LayerEpochStats[];
  density: number;
  compression: number;
  inputsKept: number;
  inputsTotal: number;
  /** The kept inputs' names, when the data names its inputs (a CSV's columns), in the order the network reads them. */
  keptInputNames?: string[];
  /** For image inputs: [height, width] and a '0'/'1' string per pixel, row by row: which inputs still feed the network. */
  inputMask?: { shape: [number, number]; bits: string };
  /**
   * On the test set, with the weights as they are (not pruned): beside `testMetric`, what pruning at the
   * threshold costs this epoch (absent in runs recorded before it existed).
   */
  testMetricUnpruned?: number;
  /** On the validation rows, with the weights pruned at the threshold: what `auto` steers by (absent without validation). */
  validationMetric?: number;
  /** `dropneuron auto`'s search after this epoch (absent for a fixed λ). */
  auto?: AutoStrength;
  /**
   * Per weighted layer, each output neuron's largest |incoming weight| before pruning: a neuron survives
   * pruning at the threshold exactly when this is ≥ the threshold (absent in runs recorded before it existed).
   */
  neuronNorms?: Record<string, number[]>;
}

/** The seed's summary statistics. */
export interface Summary {
  metric: Metric;
  beforePrune: number;
  afterPrune: number;
  /**
   * `neuronsKept`: the layer's size in the compact model (`LayerEpochStats.kept`). `inputsKept` of `inputsTotal`: the
   * layer's inputs (rows of its W) that kept neurons read (`LayerEpochStats.inputsRead`); the first layer's are `inputs.kept`.
   */
  layers: {
    name: string;
    kind: string;
    density: number;
    weightsKept: number;
    weightsTotal: number;
    neuronsKept: number;
    neuronsTotal: number;
    inputsKept: number;
    inputsTotal: number;
  }[];
  inputs: { kept: number; total: number };
  /** The kept inputs' names, when the data names its inputs (a CSV's columns): `EpochEvent.keptInputNames`. */
  keptInputNames?: string[];
  /**
   * For image inputs, which pixels the summarized weights still read (`EpochEvent.inputMask`'s shape): a stopped
   * run's summary prunes weights no epoch event saw, so its picture comes with it (absent in older runs).
   */
  inputMask?: { shape: [number, number]; bits: string };
  weightsKept: number;
  weightsTotal: number;
  density: number;
  compression: number;
  /** Layer sizes of the compact model (what the pruned spec says). */
  compactSizes: Record<string, number>;
  compactParams: number;
  /** Layers (or 'inputs') whose every neuron was pruned: the network's output no longer depends on its input. */
  collapsed: string[];
  fullParams: number;
  /**
   * What pruning at the threshold cost, against the run's tolerance (absent in runs recorded before it existed).
   * `cost` is in points, larger = worse: percentage points of accuracy lost (88.16 % → 29.58 % is 58.58), or the
   * rise of NMSE/MSE × 100 (0.05 → 0.08 is 3); a gain is a cost of 0. `tolerance` is the spec's `tolerance` in the
   * same points. `exceeded` when cost > tolerance: the pruned model must not look like a success.
   */
  damage?: PruningDamage;
  /** The compact model's files, one per format, each with its size next to the full model's (absent in runs recorded before exports existed). */
  exports?: ExportedFile[];
  /** Why the ONNX and PyTorch files are missing: the layer their export does not cover (one sentence). */
  exportError?: string;
  /** Inference time of the full and the compact model on the test set (absent when the test set is empty or the model did not export). */
  latency?: InferenceLatency;
  /** The shipped (pruned) model's metric on the validation rows, beside `afterPrune` on test (absent without validation). */
  validationMetric?: number;
  /**
   * The trained weights' metric on the validation rows before pruning, beside `beforePrune` on test: what a sweep
   * judges pruning's damage by when it chooses on validation (absent without validation, and in older runs).
   */
  validationBeforePrune?: number;
  /**
   * What `dropneuron auto` settled on: the λ, and the settings that reproduce the run with a fixed λ (by the spec's
   * names, what "Use these settings" writes into the spec).
   */
  auto?: { lambda: number; reference: number; settings: Record<string, number> };
  /**
   * A run that pruned (almost) nothing or everything says so, with what to try (one sentence; absent when the
   * pruning is neither).
   */
  guidance?: string;
}

/** One format of the compact model: its size in bytes next to the full (pruned, uncompacted) model's in the same format. */
export interface ExportedFile {
  format: ExportFormat;
  /** The compact model's file; for tfjs its folder (model.json + weights.bin, what `bytes` counts). */
  path: string;
  bytes: number;
  /** The full model in the same format; measured in memory when its file is not written (`dropneuron export --full` writes it). */
  fullBytes: number;
}

/** Mean milliseconds per inference call on the run's backend (TensorFlow.js), the compact model's including its kept-input pick. */
export interface InferenceLatency {
  backend: string;
  /** Rows per batched call: 256, or the whole test set when it is smaller. */
  batchSize: number;
  full: { batch1Ms: number; batchMs: number };
  compact: { batch1Ms: number; batchMs: number };
}

export interface PruningDamage {
  cost: number;
  tolerance: number;
  threshold: number;
  exceeded: boolean;
}

export interface DoneEvent {
  v: 1;
  type: 'done';
  stopped: boolean;
  epochsCompleted: number;
  seconds: number;
  summary: Summary;
  outputs: {
    runDir: string;
    events: string;
    summary: string;
    /** The full model with pruned weights (TensorFlow.js LayersModel), absent if the model cannot be exported. */
    model?: string;
    compact?: string;
    prunedSpec: string;
    keptInputs?: string;
    /** The final weights re-pruned at a grid of thresholds (`ThresholdCurve` in runFolder.ts); absent for a stopped run and in older runs. */
    thresholdCurve?: string;
  };
}

export interface ErrorEvent {
  v: 1;
  type: 'error';
  message: string;
  /**
   * spec | data | backend | trainer | crash, or io: the run folder could not be written (a full disk) and the run
   * stopped at its last checkpoint; recorded in its log, it resumes once the cause is fixed.
   */
  kind: 'spec' | 'data' | 'backend' | 'trainer' | 'crash' | 'io';
  /** Where in the spec, for spec errors. */
  file?: string;
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** The last lines the trainer wrote to stderr (added by whoever saw it crash). */
  stderrTail?: string;
  /** The editor setting behind the failure (`dropneuron.trainer.nodePath`), when one is: the client offers to open it. */
  setting?: string;
  /** The run folder, when the run got one: a crashed run resumes from it. */
  runDir?: string;
}

export type TrainerEvent = StartEvent | EpochEvent | DoneEvent | ErrorEvent;

/**
 * A crash of a run that had its folder is an interruption, not a failure: the folder holds its last checkpoint
 * and Resume continues it (the Runs view, the status bar and the run panel all read it so).
 */
export const isInterruption = (e: Pick<ErrorEvent, 'kind' | 'runDir'>): boolean => (e.kind === 'crash' || e.kind === 'io') && !!e.runDir;

/** What the trainer accepts on stdin, one JSON object per line. */
export type TrainerCommand = { type: 'stop' };
