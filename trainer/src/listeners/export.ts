import { join } from 'node:path';
import type { Analysis } from '../../../language/index.ts';
import { PROTOCOL_VERSION, type DoneEvent, type Summary } from '../../../protocol/events.ts';
import { writeAtomic } from '../../../protocol/files.ts';
import { io, type RunFolder } from '../../../protocol/runFolder.ts';
import { compact, type CompactModel } from '../compact.ts';
import { checkMetric, checkWeights } from '../diverged.ts';
import { metricOf } from '../evaluate.ts';
import type { Evaluator } from '../evaluator.ts';
import { buildLayersModel, ExportError, saveLayersModel } from '../export.ts';
import type { Trainee } from '../loop.ts';
import { prunedSpec } from '../prunedSpec.ts';
import { layerStats, prune, totals, type HostLayer } from '../stats.ts';
import type { RunEnd, TrainingListener } from './listener.ts';

/**
 * At the run's end (finished or stopped) prunes the weights as they are and writes the outputs to the run
 * folder: the pruned model, the compact model, the kept inputs, the pruned spec and the summary. It puts
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
    const pruned = prune(host, model.regularize.threshold);
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
    try {
      await saveLayersModel(buildLayersModel(model, pruned, data.inputShape), join(dir, 'model'));
      outputs.model = join(dir, 'model');
      const compactInput = small.keptInputs ? [small.keptInputs.length] : data.inputShape;
      await saveLayersModel(buildLayersModel(model, small.layers, compactInput), join(dir, 'compact'));
      outputs.compact = join(dir, 'compact');
    } catch (error) {
      if (!(error instanceof ExportError)) throw error;
      process.stderr.write(`dropneuron: ${error.message}\n`);
    }
    if (small.keptInputs) {
      outputs.keptInputs = join(dir, 'kept-inputs.json');
      const keptInputs = outputs.keptInputs;
      io(keptInputs, 'write the kept inputs', () => writeAtomic(keptInputs, JSON.stringify({ inputs: data.inputShape, kept: small.keptInputs })));
    }
    const specText = prunedSpec(this.analysis, small.sizes, small.keptInputs?.length, dir);
    io(outputs.prunedSpec, 'write the pruned spec', () => writeAtomic(outputs.prunedSpec, specText));
    const summary = this.summary(pruned, small, beforePrune, afterPrune);
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

  /** The seed's summary statistics of the pruned weights and their compact model. */
  private summary(pruned: HostLayer[], small: CompactModel, beforePrune: number, afterPrune: number): Summary {
    const { model } = this.t;
    const stats = layerStats(pruned);
    const sum = totals(stats.layers);
    return {
      metric: metricOf(model.task),
      beforePrune,
      afterPrune,
      layers: stats.layers.map((l) => ({
        name: l.name,
        kind: l.kind,
        density: l.density,
        weightsKept: l.weightsKept,
        weightsTotal: l.weightsTotal,
        neuronsKept: l.kept,
        neuronsTotal: l.units,
        inputsKept: l.aliveOut,
        inputsTotal: l.inputs,
      })),
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
  }
}
