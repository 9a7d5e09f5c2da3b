import { dirname, resolve } from 'node:path';
import { analyze, type Analysis, type CheckedModel } from '../../language/index.ts';
import { PROTOCOL_VERSION, type DoneEvent, type EpochEvent, type ErrorEvent, type TrainerEvent } from '../../protocol/events.ts';
import { readSpecFile, SpecFileError, RunFolderError } from '../../store/files.ts';
import { claimLock, removeLock } from '../../store/trainerLock.ts';
import { newRunDir, readRun, RunFolder } from '../../store/runFolder.ts';
import type { RunManifest } from '../../protocol/runFolder.ts';
import type { TrainingOverrides } from '../../protocol/settings.ts';
import { BackendError, selectBackend, tensorBackendOf, type BackendChoice } from './backend.ts';
import { oneHotClasses } from './batches.ts';
import { restoreCheckpoint } from './checkpoint.ts';
import { DataError, type Dataset } from './data/dataset.ts';
import { loadDataset } from './data/load.ts';
import { validateDataset } from './data/validate.ts';
import { DivergedError } from './diverged.ts';
import { Evaluator } from './evaluator.ts';
import { Checkpointer } from './listeners/checkpoint.ts';
import { autoStrengthSearch, withAutoFinetune } from './autoStrength.ts';
import { AutoStrengthStep } from './listeners/autoStrength.ts';
import { RunVerdict } from './listeners/verdict.ts';
import { Emitter } from './listeners/emit.ts';
import { EpochReport } from './listeners/epochReport.ts';
import { Exporter } from './listeners/export.ts';
import { doneEventOf, type TrainingListener } from './listeners/listener.ts';
import { progressListener } from './listeners/progress.ts';
import { ThresholdCurveWriter } from './listeners/thresholdCurve.ts';
import { PruningView } from './listeners/pruningView.ts';
import { trainLoop, type Trainee } from './loop.ts';
import type { LayerWeights } from './layerWeights.ts';
import { ImportError } from './import/errors.ts';
import { startingWeights } from './import/startingWeights.ts';
import { LayerSizeError, Network } from './network.ts';
import { layerOpsFor } from './ops.ts';
import { makeOptimizer } from './optimizer.ts';
import { OrtStep, ortThreads } from './ort/ortStep.ts';
import { StepPool } from './parallel/pool.ts';
import { trainingThreads } from './parallel/threads.ts';
import { Rng } from './rng.ts';
import { importedMetric, startEvent } from './startEvent.ts';

export interface TrainOptions {
  specPath: string;
  /** Settings that replace the spec's, and the run options (`limit`: train on the first N samples only). */
  overrides?: TrainingOverrides;
  /** Run folder to create (default: .dropneuron/runs/<model>-<time>/ beside the spec). */
  outDir?: string;
  /** Continue the run in this folder from its last checkpoint. */
  resumeDir?: string;
  /** `outDir` holds an earlier run of this spec: replace it (only the run format's own files are removed). */
  replace?: boolean;
  emit: (event: TrainerEvent) => void;
  /** Called after every batch: for progress bars. */
  onBatch?: (epoch: number, batch: number, batches: number) => void;
  /** Polled after every batch; true stops the run after that batch. */
  shouldStop?: () => boolean;
}

function errorEvent(kind: ErrorEvent['kind'], message: string, extra: Partial<ErrorEvent> = {}): ErrorEvent {
  return { v: PROTOCOL_VERSION, type: 'error', kind, message, ...extra };
}

/** A new run's manifest, or a resumed run's manifest and folder. A new run's folder does not exist yet. */
interface RunSource {
  manifest: RunManifest;
  resumed?: RunFolder;
}

function runSource(options: TrainOptions): RunSource {
  if (options.resumeDir) {
    const resumed = new RunFolder(resolve(options.resumeDir));
    const manifest = resumed.manifest();
    const done = readRun(resumed.dir)?.result.done;
    // A stopped run resumes (its done says `stopped`); a finished one has nothing left to train.
    if (done && !done.stopped) {
      throw new RunFolderError(
        `${resumed.dir}: expected a run to continue, found one that has finished (${done.epochsCompleted} epochs); nothing was changed. Its model is in its folder: \`dropneuron export ${resumed.dir}\` writes it again, \`dropneuron prune ${resumed.dir}\` re-prunes it; to train again, start a new run`,
      );
    }
    return { manifest, resumed };
  }
  const spec = readSpecFile(options.specPath);
  // `limit` is a run option, not a spec setting: the manifest keeps it apart.
  const { limit, ...overrides } = options.overrides ?? {};
  const manifest: RunManifest = {
    version: 1,
    specPath: resolve(options.specPath),
    spec,
    overrides,
    started: new Date().toISOString(),
    ...(limit !== undefined ? { limit } : {}),
  };
  return { manifest };
}

/** The checked model, or the spec error event naming the first error. */
function checkSpec(manifest: RunManifest): { analysis: Analysis; model: CheckedModel } | ErrorEvent {
  const analysis = analyze(manifest.spec, manifest.overrides);
  const firstError = analysis.diagnostics.find((d) => d.severity === 'error');
  if (!firstError && analysis.model) return { analysis, model: analysis.model };
  const at = firstError?.range.start;
  return errorEvent(
    'spec',
    firstError ? `${manifest.specPath}:${at!.line + 1}:${at!.character + 1}: ${firstError.code} ${firstError.message}` : 'expected a model, found none',
    {
      file: manifest.specPath,
      ...(firstError ? { range: firstError.range } : {}),
    },
  );
}

/**
 * Trains one spec to the end (or until stopped) and returns the last event: `done` or `error`. Everything
 * that can fail before training (the spec, the backend, the data and whether it fits the model, the
 * network's allocation) is checked before a new run's folder is created, so such a failure leaves no folder
 * behind. Nothing a user can feed it throws: every failure is one error event with one line.
 */
export async function train(options: TrainOptions): Promise<DoneEvent | ErrorEvent> {
  const fail = (event: ErrorEvent): ErrorEvent => (options.emit(event), event);
  let source: RunSource;
  try {
    source = runSource(options);
  } catch (error) {
    return fail(errorEvent(error instanceof SpecFileError ? 'spec' : 'trainer', (error as Error).message));
  }
  const { manifest } = source;
  const checked = checkSpec(manifest);
  if ('type' in checked) return fail(checked);
  const { analysis } = checked;
  const model = withAutoFinetune(checked.model);

  let backend: BackendChoice;
  try {
    backend = await selectBackend(model.train.backend, model);
  } catch (error) {
    return fail(errorEvent('backend', error instanceof BackendError ? error.message : `expected a backend to load, found: ${(error as Error).message}`));
  }

  let data: Dataset;
  try {
    data = loadDataset(model, dirname(manifest.specPath), manifest.limit);
    validateDataset(model, data, manifest.limit);
  } catch (error) {
    if (error instanceof DataError && error.specRange) {
      const at = error.specRange.start;
      return fail(
        errorEvent('spec', `${manifest.specPath}:${at.line + 1}:${at.character + 1}: ${error.message}`, { file: manifest.specPath, range: error.specRange }),
      );
    }
    return fail(errorEvent('data', error instanceof DataError ? error.message : `expected the data to load, found: ${(error as Error).message}`));
  }

  let t: Trainee;
  try {
    // A spec's `weights` file: the network starts from it (a tensor missing or of another shape fails here, before the run folder).
    const start = model.weights ? startingWeights(model, resolve(dirname(manifest.specPath), model.weights)) : undefined;
    t = trainee(model, data, backend, start);
  } catch (error) {
    if (error instanceof ImportError) return fail(errorEvent('spec', error.message, { file: manifest.specPath }));
    if (!(error instanceof LayerSizeError)) return fail(errorEvent('trainer', `expected the network to build, found: ${(error as Error).message}`));
    const range = (error.layer.sizeToken ?? error.layer.statement).range;
    return fail(
      errorEvent('spec', `${manifest.specPath}:${range.start.line + 1}:${range.start.character + 1}: ${error.message}`, { file: manifest.specPath, range }),
    );
  }

  let folder: RunFolder;
  try {
    folder = source.resumed ?? createRunFolder(manifest, model, options.outDir, options.replace ?? false);
  } catch (error) {
    dispose(t);
    return fail(errorEvent('trainer', (error as Error).message));
  }
  return runTraining({ analysis, model, manifest, folder, resumed: !!source.resumed, data, backend, t }, options);
}

/** The network (allocated here: a layer too big for memory fails before the run folder exists), its optimizer and RNG. */
function trainee(model: CheckedModel, data: Dataset, backend: BackendChoice, start?: { w: Float32Array; b: Float32Array }[]): Trainee {
  const rng = new Rng(model.train.seed);
  const network = new Network(model, rng, layerOpsFor(tensorBackendOf(backend.name)), start);
  return { model, data, rng, network, optimizer: makeOptimizer(model) };
}

function dispose(t: Trainee): void {
  t.network.dispose();
  t.optimizer.dispose();
}

function createRunFolder(manifest: RunManifest, model: CheckedModel, outDir: string | undefined, replace: boolean): RunFolder {
  const folder = new RunFolder(resolve(outDir ?? newRunDir(manifest.specPath, model.name)));
  folder.create(manifest, replace);
  return folder;
}

interface Prepared {
  analysis: Analysis;
  model: CheckedModel;
  manifest: RunManifest;
  folder: RunFolder;
  /** Continue from the folder's checkpoint, if it has one. */
  resumed: boolean;
  data: Dataset;
  backend: BackendChoice;
  t: Trainee;
}

async function runTraining(p: Prepared, options: TrainOptions): Promise<DoneEvent | ErrorEvent> {
  const started = Date.now();
  const { model, data, folder, t } = p;
  try {
    // While this process trains here, the folder says so: a reader that finds it gone before `done` calls the run interrupted.
    claimLock(folder.dir, process.pid);
    // `ort` runs its step graph's kernels on the spec's threads; wasm splits batches across worker threads.
    const threads = p.backend.name === 'ort' ? ortThreads(model) : trainingThreads(model, p.backend.name);
    if (p.backend.name === 'ort') t.ort = await OrtStep.start(model, oneHotClasses(model) ?? data.targetSize, threads);
    else if (threads > 1) t.pool = await StepPool.start(threads, { spec: p.manifest.spec, overrides: p.manifest.overrides }, model, data, t.network);
    const restored = p.resumed ? await restoreCheckpoint(t, folder) : undefined;
    // The log as the checkpoint left it: epochs after the checkpoint dropped, the checkpoint's own epoch
    // appended if a kill came between the checkpoint and its append. A new run's log is empty.
    const log = p.resumed ? folder.resumeEvents(restored?.epoch ?? 0, restored?.event) : [];
    let autoResumed: { epoch: number; weights: LayerWeights[] } | undefined;
    if (model.regularize.auto) {
      t.auto = autoStrengthSearch(model, data.validation?.count ?? Infinity);
      // The search's state is in the epoch events the log keeps: a resumed run continues it where it was.
      const epochs = log.filter((e): e is EpochEvent => e.type === 'epoch');
      t.auto.replay(epochs);
      const last = epochs.at(-1);
      if (last) autoResumed = { epoch: last.auto?.restored ?? last.epoch, weights: await t.network.read() };
    }
    const startEpoch = (restored?.epoch ?? 0) + 1;
    const evaluator = new Evaluator(model, t.network.ops, data, { backend: p.backend.name, pool: t.pool });
    const start = startEvent(model, data, p.backend, {
      runDir: folder.dir,
      specPath: p.manifest.specPath,
      startEpoch,
      threads,
      importedMetric: await importedMetric(model, startEpoch, async () => evaluator.test(await t.network.read())),
      overrides: { ...p.manifest.overrides, ...(p.manifest.limit !== undefined ? { limit: p.manifest.limit } : {}) },
    });
    const emitter = new Emitter(folder, options.emit);
    emitter.record(start);
    // The listeners run in this order at every hook, each awaited before the next: the report makes the
    // epoch event (and stops the run if the weights went non-finite), the pruning view adds the neurons' norms
    // and the unpruned test metric to it; the checkpoint writes the epoch to the
    // run folder (`dropneuron auto`'s step sets the next epoch's λ before it); at the run's end the exporter writes
    // the outputs and makes the done event, the verdict adds what pruning cost, the validation metric, what auto
    // found and guidance to it, the threshold curve writes its file and adds it to the outputs; the emitter
    // appends each event to the folder's log and sends it last, so whoever sees an epoch can resume from it.
    const listeners: TrainingListener[] = [
      ...(options.onBatch ? [progressListener(options.onBatch)] : []),
      new EpochReport(t, evaluator),
      new PruningView(t, evaluator),
      ...(t.auto ? [new AutoStrengthStep(t.auto, t.network, autoResumed)] : []),
      new Checkpointer(t, folder),
      new Exporter(p.analysis, t, evaluator, folder, started),
      new RunVerdict(t, evaluator),
      new ThresholdCurveWriter(t, evaluator, folder),
      emitter,
    ];
    return doneEventOf(await trainLoop(t, { startEpoch, listeners, shouldStop: options.shouldStop }));
  } catch (error) {
    // A divergence or a run folder that cannot be written is the user's to fix: its message says how.
    if (error instanceof RunFolderError) {
      // Recorded where the editor reads it, if the folder still takes a line: the run resumes once the cause is fixed.
      const event = errorEvent('io', error.message, { runDir: folder.dir });
      try {
        folder.appendEvent(event);
      } catch {
        // The disk is that full: the stderr log and the process's exit say it instead.
      }
      options.emit(event);
      return event;
    }
    const event = errorEvent('trainer', error instanceof DivergedError ? error.message : `expected training to complete, found: ${(error as Error).message}`);
    options.emit(event);
    return event;
  } finally {
    removeLock(folder.dir, process.pid);
    await t.pool?.dispose();
    await t.ort?.dispose();
    dispose(t);
  }
}
