import { join } from 'node:path';
import type { Analysis } from '../../../language/index.ts';
import { PROTOCOL_VERSION, type DoneEvent } from '../../../protocol/events.ts';
import { writeAtomic, io } from '../../../store/files.ts';
import type { RunFolder } from '../../../store/runFolder.ts';
import { compact } from '../compact.ts';
import { checkMetric, checkWeights } from '../diverged.ts';
import { metricOf } from '../evaluate.ts';
import type { Evaluator } from '../evaluator.ts';
import { ExportError } from '../export/errors.ts';
import { exportAtRunEnd, type RunEndExport } from '../export/runEnd.ts';
import { buildLayersModel, layersInputShape, saveLayersModel } from '../export/tfjs.ts';
import type { Trainee } from '../loop.ts';
import { prunedSpec } from '../prunedSpec.ts';
import { summarize } from '../prune/summary.ts';
import { zeroBelowThreshold } from '../layerWeights.ts';
import { layerStats } from '../stats.ts';
import { inputMask, keptInputNames } from './epochReport.ts';
import type { RunEnd, TrainingListener } from './listener.ts';

/**
 * At the run's end (finished or stopped) prunes the weights as they are and writes the outputs to the run
 * folder: the pruned model, the compact model (TensorFlow.js, ONNX, safetensors + model.py), the kept inputs, the
 * pruned spec and the summary (with the files' sizes and the inference latency of both models). It puts
 * the done event on `end.done` for the emitter after it.
 */
export class Exporter implements TrainingListener {
  /** `started`: when the run (this session of it) began, for the done event's seconds. */
  constructor(
    private readonly analysis: Analysis,
    private readonly t: Trainee,
    private readonly evaluator: Evaluator,
    private readonly folder: RunFolder,
    private readonly started: number,
  ) {}

  async onRunEnd(end: RunEnd): Promise<void> {
    const { model, data } = this.t;
    const dir = this.folder.dir;
    const host = await this.t.network.read();
    // A stop mid-epoch exports weights no epoch end has checked: the done event never reports NaN.
    const epoch = end.stopped ? end.epochsCompleted + 1 : end.epochsCompleted;
    checkWeights(host, model, epoch);
    const pruned = zeroBelowThreshold(host, model.regularize.threshold);
    const beforePrune = await this.evaluator.test(host);
    const afterPrune = await this.evaluator.test(pruned);
    checkMetric(`the test ${metricOf(model.task)} before pruning`, beforePrune, model, epoch);
    checkMetric(`the test ${metricOf(model.task)} after pruning`, afterPrune, model, epoch);
    const small = compact(model, pruned);
    const outputs: DoneEvent['outputs'] = {
      runDir: dir,
      events: this.folder.eventsPath,
      summary: join(dir, 'summary.json'),
      prunedSpec: join(dir, `${model.name}.pruned.dnn`),
    };
    let layers: RunEndExport['layers'];
    try {
      const full = buildLayersModel(model, pruned, data.inputShape);
      await saveLayersModel(full, join(dir, 'model'));
      outputs.model = join(dir, 'model');
      layers = { full, compact: buildLayersModel(model, small.layers, layersInputShape(data.inputShape, small.keptInputs)) };
      await saveLayersModel(layers.compact, join(dir, 'compact'));
      outputs.compact = join(dir, 'compact');
    } catch (error) {
      if (!(error instanceof ExportError)) throw error;
      layers = undefined;
      process.stderr.write(`dropneuron: ${error.message}\n`);
    }
    // After the TensorFlow.js save, which replaces the compact/ folder: the file formats beside it, sizes, latency.
    let exported: Awaited<ReturnType<typeof exportAtRunEnd>>;
    try {
      exported = await exportAtRunEnd({
        model,
        data,
        pruned,
        small,
        compactDir: join(dir, 'compact'),
        fullDir: join(dir, 'model'),
        ...(layers ? { layers } : {}),
      });
    } finally {
      layers?.full.dispose();
      layers?.compact.dispose();
    }
    if (small.keptInputs) {
      outputs.keptInputs = join(dir, 'kept-inputs.json');
      const keptInputs = outputs.keptInputs;
      io(keptInputs, 'write the kept inputs', () => writeAtomic(keptInputs, JSON.stringify({ inputs: data.inputShape, kept: small.keptInputs })));
    }
    const columns = data.inputNames;
    const specText = prunedSpec(this.analysis, small.sizes, small.keptInputs?.length, dir, columns && small.keptInputs?.map((i) => columns[i]!));
    io(outputs.prunedSpec, 'write the pruned spec', () => writeAtomic(outputs.prunedSpec, specText));
    const summary = { ...summarize(model, pruned, small, beforePrune, afterPrune), ...exported };
    // The pixels these weights read, beside the count: the last epoch's picture is of other weights when the run stopped mid-epoch.
    const inputs = layerStats(model, pruned).inputs;
    const mask = inputMask(data.imageShape, inputs);
    if (mask) summary.inputMask = mask;
    const names = keptInputNames(data, inputs.mask);
    if (names) summary.keptInputNames = names;
    io(outputs.summary, 'write the summary', () => writeAtomic(outputs.summary, JSON.stringify(summary, null, 2)));
    end.done = {
      v: PROTOCOL_VERSION,
      type: 'done',
      stopped: end.stopped,
      epochsCompleted: end.epochsCompleted,
      seconds: (Date.now() - this.started) / 1000,
      summary,
      outputs,
    };
  }
}
