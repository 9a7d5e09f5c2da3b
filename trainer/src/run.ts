import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { analyze, applyEdits, format, shrinkEdits, type Analysis, type CheckedModel, type Overrides } from '../../language/index.ts';
import { BackendError, selectBackend, type BackendName } from './backend.ts';
import { compact } from './compact.ts';
import { DataError, type Dataset } from './data/dataset.ts';
import { loadDataset } from './data/load.ts';
import { evaluate, metricOf } from './evaluate.ts';
import { buildLayersModel, ExportError, saveLayersModel } from './export.ts';
import { Network } from './network.ts';
import { useRebuiltGradients } from './ops.ts';
import { finetuneLearningRate, PruneMask, planEpoch, setLearningRate, totalEpochs, type EpochPlan } from './schedule.ts';
import { LOSS_PARTS, trainStep } from './step.ts';
import { PROTOCOL_VERSION, type DoneEvent, type EpochEvent, type ErrorEvent, type Loss, type StartEvent, type Summary, type TrainerEvent } from './protocol.ts';
import { Rng } from './rng.ts';
import { newRunDir, RunFolder, writeAtomic, type RunManifest } from './runFolder.ts';
import { readSpecFile, SpecFileError } from './specFile.ts';
import { layerStats, prune, totals, type HostLayer } from './stats.ts';

export interface TrainOptions {
  specPath: string;
  overrides?: Overrides;
  /** Train on the first N training samples only. */
  limit?: number;
  /** Run folder to create (default: .dropneuron/runs/<model>-<time>/ beside the spec). */
  outDir?: string;
  /** Continue the run in this folder from its last checkpoint. */
  resumeDir?: string;
  emit: (event: TrainerEvent) => void;
  /** Called after every batch: for progress bars. */
  onBatch?: (epoch: number, batch: number, batches: number) => void;
  /** Polled after every batch; true stops the run after that batch. */
  shouldStop?: () => boolean;
}

function errorEvent(kind: ErrorEvent['kind'], message: string, extra: Partial<ErrorEvent> = {}): ErrorEvent {
  return { v: PROTOCOL_VERSION, type: 'error', kind, message, ...extra };
}

/** Trains one spec to the end (or until stopped) and returns the last event: `done` or `error`. */
export async function train(options: TrainOptions): Promise<DoneEvent | ErrorEvent> {
  const fail = (event: ErrorEvent): ErrorEvent => (options.emit(event), event);
  let manifest: RunManifest;
  let folder: RunFolder;
  try {
    if (options.resumeDir) {
      folder = new RunFolder(resolve(options.resumeDir));
      manifest = folder.manifest();
    } else {
      const spec = readSpecFile(options.specPath);
      manifest = {
        version: 1,
        specPath: resolve(options.specPath),
        spec,
        overrides: (options.overrides ?? {}) as RunManifest['overrides'],
        started: new Date().toISOString(),
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
      };
      folder = new RunFolder('');
    }
  } catch (error) {
    return fail(errorEvent(error instanceof SpecFileError ? 'spec' : 'trainer', (error as Error).message));
  }

  const analysis = analyze(manifest.spec, manifest.overrides as Overrides);
  const firstError = analysis.diagnostics.find((d) => d.severity === 'error');
  if (firstError || !analysis.model) {
    const at = firstError?.range.start;
    return fail(
      errorEvent('spec', firstError ? `${manifest.specPath}:${at!.line + 1}:${at!.character + 1}: ${firstError.code} ${firstError.message}` : 'expected a model, found none', {
        file: manifest.specPath,
        ...(firstError ? { range: firstError.range } : {}),
      }),
    );
  }
  const model = analysis.model;

  let backend;
  try {
    backend = await selectBackend(model.train.backend as BackendName | 'auto');
  } catch (error) {
    if (error instanceof BackendError) return fail(errorEvent('backend', error.message));
    throw error;
  }
  useRebuiltGradients(backend.name === 'wasm' || backend.name === 'cpu');

  let data: Dataset;
  try {
    data = loadDataset(model, dirname(manifest.specPath), manifest.limit);
  } catch (error) {
    if (error instanceof DataError) return fail(errorEvent('data', error.message));
    throw error;
  }

  if (!options.resumeDir) {
    folder = new RunFolder(resolve(options.outDir ?? newRunDir(manifest.specPath, model.name)));
    folder.create(manifest);
  }
  return new Run(model, analysis, manifest, folder!, data, backend, options).execute();
}

class Run {
  private readonly rng: Rng;
  private readonly network: Network;
  private readonly optimizer: tf.Optimizer;
  private readonly metric;
  private events: TrainerEvent[] = [];
  private startEpoch = 1;
  /** Set once the fine-tune phase has pruned the network. */
  private mask: PruneMask | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly model: CheckedModel,
    private readonly analysis: Analysis,
    private readonly manifest: RunManifest,
    private readonly folder: RunFolder,
    private readonly data: Dataset,
    private readonly backend: { name: string; skipped: { backend: string; reason: string }[] },
    private readonly options: TrainOptions,
  ) {
    this.rng = new Rng(model.train.seed);
    this.network = new Network(model, this.rng);
    this.optimizer = makeOptimizer(model);
    this.metric = metricOf(model.task);
  }

  private emit(event: TrainerEvent): void {
    this.events.push(event);
    this.options.emit(event);
  }

  async execute(): Promise<DoneEvent | ErrorEvent> {
    try {
      await this.restore();
      const start = this.startEvent();
      this.folder.appendEvent(start);
      this.emit(start);
      let stopped = false;
      let completed = this.startEpoch - 1;
      for (let epoch = this.startEpoch; epoch <= totalEpochs(this.model.train); epoch++) {
        const plan = planEpoch(this.model.train, epoch);
        if (plan.phase === 'finetune' && !this.mask) await this.beginFinetune(epoch);
        setLearningRate(this.optimizer, plan.learningRate);
        const result = await this.epoch(epoch, plan);
        if (result.stopped) {
          stopped = true;
          break;
        }
        completed = epoch;
        await this.checkpoint(epoch, result.event);
        this.emit(result.event);
      }
      const done = await this.finish(stopped, completed);
      this.folder.appendEvent(done);
      this.emit(done);
      return done;
    } catch (error) {
      const event = errorEvent('trainer', `expected training to complete, found: ${(error as Error).message}`);
      this.options.emit(event);
      return event;
    } finally {
      this.mask?.dispose();
      this.network.dispose();
      this.optimizer.dispose();
    }
  }

  /** Resumes from the run folder's checkpoint: weights, optimizer state, RNG state, events so far. */
  private async restore(): Promise<void> {
    if (!this.options.resumeDir) return;
    const checkpoint = this.folder.loadCheckpoint();
    if (!checkpoint) return;
    const { state, tensors } = checkpoint;
    const variables = state.tensors.flatMap((t, i) => (t.group === 'variable' ? [tensors[i]!] : []));
    this.network.write(this.network.params.map((_, i) => ({ w: variables[2 * i]!, b: variables[2 * i + 1]! })));
    const optimizerWeights = state.tensors.flatMap((t, i) => (t.group === 'optimizer' ? [{ name: t.name, tensor: tf.tensor(tensors[i]!, t.shape) }] : []));
    if (optimizerWeights.length) await this.optimizer.setWeights(optimizerWeights);
    this.rng.state = state.rngState;
    this.startEpoch = state.epoch + 1;
    this.events = state.events.filter((e) => e.type === 'epoch');
  }

  /**
   * Prunes at the threshold and fixes the mask. A run resumed inside the fine-tune phase restores weights
   * that were pruned already, so its mask is just their nonzeros: re-pruning would drop survivors that
   * fine-tuning has since moved under the threshold, and the resumed run would differ from an unbroken one.
   */
  private async beginFinetune(epoch: number): Promise<void> {
    if (epoch === this.model.train.epochs + 1) this.network.write(prune(await this.network.read(), this.model.regularize.threshold));
    this.mask = PruneMask.of(this.network);
  }

  private startEvent(): StartEvent {
    const m = this.model;
    return {
      v: PROTOCOL_VERSION,
      type: 'start',
      runDir: this.folder.dir,
      specPath: this.manifest.specPath,
      model: m.name,
      task: m.task,
      metric: this.metric,
      backend: this.backend.name,
      backendSkipped: this.backend.skipped,
      epochs: totalEpochs(m.train),
      startEpoch: this.startEpoch,
      batch: m.train.batch,
      params: m.params,
      trainSamples: this.data.trainCount,
      testSamples: this.data.testCount,
      inputShape: this.data.inputShape,
      layers: m.layers.map((l) => ({ name: l.name, kind: l.kind, outputShape: l.outputShape ?? [], params: l.params })),
      settings: { ...m.regularize, learningRate: m.train.learningRate, optimizer: m.train.optimizer, seed: m.train.seed, warmup: m.train.warmup, finetune: m.train.finetune, finetuneLr: finetuneLearningRate(m.train) },
    };
  }

  private async epoch(epoch: number, plan: EpochPlan): Promise<{ stopped: true } | { stopped: false; event: EpochEvent }> {
    const { data, model } = this;
    const t0 = performance.now();
    const order = this.rng.permutation(data.trainCount);
    const batch = Math.min(model.train.batch, data.trainCount);
    const batches = Math.ceil(data.trainCount / batch);
    const per = data.inputShape.reduce((a, b) => a * b, 1);
    const xBuffer = new Float32Array(batch * per);
    const yBuffer = new Float32Array(batch * data.targetSize);
    // Running sums stay on the device: one read per epoch, not one sync per batch.
    let sums = LOSS_PARTS.map(() => tf.scalar(0));
    for (let b = 0; b < batches; b++) {
      const from = b * batch;
      const size = Math.min(batch, data.trainCount - from);
      for (let i = 0; i < size; i++) {
        const row = order[from + i]!;
        xBuffer.set(data.trainX.subarray(row * per, (row + 1) * per), i * per);
        yBuffer.set(data.trainY.subarray(row * data.targetSize, (row + 1) * data.targetSize), i * data.targetSize);
      }
      const x = tf.tensor(xBuffer.subarray(0, size * per), [size, ...data.inputShape]);
      const y = tf.tensor(yBuffer.subarray(0, size * data.targetSize), [size, data.targetSize]);
      const kept = trainStep(this.network, this.optimizer, model.task, x, y, this.rng.seed(), plan.penalties);
      this.mask?.apply(this.network);
      tf.dispose([x, y]);
      const next = sums.map((s, i) => tf.add(s, kept[i]!) as tf.Scalar);
      tf.dispose([...sums, ...kept]);
      sums = next;
      this.options.onBatch?.(epoch, b + 1, batches);
      // Yield so that a stop request (stdin, signal) can arrive between batches.
      await new Promise((r) => setImmediate(r));
      if (this.options.shouldStop?.()) {
        tf.dispose(sums);
        return { stopped: true };
      }
    }
    const totalsPerPart = await Promise.all(sums.map(async (s) => (await s.data())[0]! / batches));
    tf.dispose(sums);
    const loss: Loss = { total: 0, data: 0, l1: 0, l2: 0, dropneuron: 0 };
    LOSS_PARTS.forEach((k, i) => (loss[k] = totalsPerPart[i]!));
    loss.total = loss.data + loss.l1 + loss.l2 + loss.dropneuron;
    const seconds = (performance.now() - t0) / 1000;

    const host = await this.network.read();
    const pruned = prune(host, model.regularize.threshold);
    const trainCount = Math.min(data.trainCount, 5000);
    const trainMetric = this.evaluateWith(host, data.trainX, data.trainY, trainCount);
    const testMetric = this.evaluateWith(pruned, data.testX, data.testY, data.testCount);
    const stats = layerStats(pruned);
    const sum = totals(stats.layers);
    const event: EpochEvent = {
      v: PROTOCOL_VERSION,
      type: 'epoch',
      epoch,
      epochs: totalEpochs(model.train),
      phase: plan.phase,
      seconds,
      samplesPerSecond: data.trainCount / seconds,
      loss,
      metric: this.metric,
      trainMetric,
      testMetric,
      layers: stats.layers,
      density: sum.density,
      compression: sum.compression,
      inputsKept: stats.inputs.kept,
      inputsTotal: stats.inputs.total,
    };
    const image = this.inputImage();
    if (image && stats.inputs.total === image[0] * image[1]) {
      event.inputMask = { shape: image, bits: stats.inputs.mask.map((b) => (b ? '1' : '0')).join('') };
    }
    return { stopped: false, event };
  }

  /** [height, width] when the first weighted layer reads image pixels one per row of W. */
  private inputImage(): [number, number] | undefined {
    const input = this.data.inputShape;
    if (input.length === 3 && input[2] === 1) return [input[0]!, input[1]!];
    if (this.model.data?.kind === 'mnist' || this.model.data?.kind === 'idx') {
      const side = Math.round(Math.sqrt(input[0]!));
      if (input.length === 1 && side * side === input[0]) return [side, side];
    }
    return undefined;
  }

  /** The metric with the network's weights temporarily replaced by `weights`. */
  private evaluateWith(weights: HostLayer[], x: Float32Array, y: Float32Array, count: number): number {
    const saved = this.network.params.map((p) => ({ w: p.w.clone(), b: p.b.clone() }));
    this.network.write(weights);
    try {
      return evaluate((t) => this.network.forward(t), this.model.task, x, y, this.data.inputShape, count);
    } finally {
      this.network.params.forEach((p, i) => {
        p.w.assign(saved[i]!.w);
        p.b.assign(saved[i]!.b);
      });
      tf.dispose(saved.flatMap((s) => [s.w, s.b]));
    }
  }

  private async checkpoint(epoch: number, event: EpochEvent): Promise<void> {
    const variables = this.network.variables;
    const optimizerWeights = await this.optimizer.getWeights();
    const tensors: Float32Array[] = [];
    const names: { name: string; shape: number[]; group: 'variable' | 'optimizer' }[] = [];
    for (const v of variables) {
      tensors.push((await v.data()) as Float32Array);
      names.push({ name: v.name, shape: v.shape, group: 'variable' });
    }
    for (const w of optimizerWeights) {
      tensors.push(Float32Array.from(await w.tensor.data()));
      names.push({ name: w.name, shape: w.tensor.shape, group: 'optimizer' });
    }
    const events = [...this.events.filter((e) => e.type === 'start').slice(0, 1), ...this.events.filter((e) => e.type === 'epoch'), event];
    this.folder.saveCheckpoint({ epoch, rngState: this.rng.state, tensors: names, events }, tensors);
  }

  private async finish(stopped: boolean, completed: number): Promise<DoneEvent> {
    const { model, data, folder } = this;
    const host = await this.network.read();
    const pruned = prune(host, model.regularize.threshold);
    const beforePrune = this.evaluateWith(host, data.testX, data.testY, data.testCount);
    const afterPrune = this.evaluateWith(pruned, data.testX, data.testY, data.testCount);
    this.network.write(pruned);
    const stats = layerStats(pruned);
    const sum = totals(stats.layers);
    const small = compact(model, pruned);
    const outputs: DoneEvent['outputs'] = {
      runDir: folder.dir,
      events: folder.eventsPath,
      summary: join(folder.dir, 'summary.json'),
      prunedSpec: join(folder.dir, `${model.name}.pruned.dnn`),
    };
    try {
      await saveLayersModel(buildLayersModel(model, pruned, data.inputShape), join(folder.dir, 'model'));
      outputs.model = join(folder.dir, 'model');
      const compactInput = small.keptInputs ? [small.keptInputs.length] : data.inputShape;
      await saveLayersModel(buildLayersModel(model, small.layers, compactInput), join(folder.dir, 'compact'));
      outputs.compact = join(folder.dir, 'compact');
    } catch (error) {
      if (!(error instanceof ExportError)) throw error;
      process.stderr.write(`dropneuron: ${error.message}\n`);
    }
    if (small.keptInputs) {
      outputs.keptInputs = join(folder.dir, 'kept-inputs.json');
      writeAtomic(outputs.keptInputs, JSON.stringify({ inputs: data.inputShape, kept: small.keptInputs }));
    }
    writeAtomic(outputs.prunedSpec, prunedSpec(this.analysis, small.sizes, small.keptInputs?.length, folder.dir));
    const summary: Summary = {
      metric: this.metric,
      beforePrune,
      afterPrune,
      layers: stats.layers.map((l) => ({ name: l.name, kind: l.kind, density: l.density, weightsKept: l.weightsKept, weightsTotal: l.weightsTotal, neuronsKept: l.kept, neuronsTotal: l.units, inputsKept: l.aliveOut, inputsTotal: l.inputs })),
      inputs: { kept: stats.inputs.kept, total: stats.inputs.total },
      weightsKept: sum.kept,
      weightsTotal: sum.total,
      density: sum.density,
      compression: sum.compression,
      compactSizes: small.sizes,
      compactParams: small.params,
      collapsed: small.collapsed,
      fullParams: model.params,
    };
    writeAtomic(outputs.summary, JSON.stringify(summary, null, 2));
    return { v: PROTOCOL_VERSION, type: 'done', stopped, epochsCompleted: completed, seconds: (Date.now() - this.started) / 1000, summary, outputs };
  }
}

function makeOptimizer(model: CheckedModel): tf.Optimizer {
  const lr = model.train.learningRate;
  switch (model.train.optimizer) {
    case 'adam':
      return tf.train.adam(lr, 0.9, 0.999, 1e-8);
    case 'sgd':
      return tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9);
  }
}

/** The spec with each layer's size set to its trained size, formatted, with a header saying where it came from. */
export function prunedSpec(analysis: Analysis, sizes: Record<string, number>, keptInputs: number | undefined, runDir: string): string {
  const edited = applyEdits(analysis.text, shrinkEdits(analysis, sizes));
  const header = [
    `# Pruned by DropNeuron (run ${basename(runDir)}): each layer's size is its trained size.`,
    ...(keptInputs !== undefined ? [`# ${keptInputs} input${keptInputs === 1 ? ' still feeds' : 's still feed'} the network; their indices are in kept-inputs.json.`] : []),
  ];
  const formatted = format(header.join('\n') + '\n' + edited);
  return formatted.ok ? formatted.text : header.join('\n') + '\n' + edited;
}
