import type { CheckedModel } from '../../language/index.ts';
import { tooFewSamples } from '../../protocol/dataSize.ts';
import { PROTOCOL_VERSION, type StartEvent } from '../../protocol/events.ts';
import { namedOverrides, type TrainingOverrides } from '../../protocol/settings.ts';
import type { BackendChoice } from './backend.ts';
import type { Dataset } from './data/dataset.ts';
import { metricOf } from './evaluate.ts';
import { finetuneLearningRate, totalEpochs } from './schedule.ts';

/** The data set's warnings, as the start event carries them (none: no field). */
function warningsOf(data: Dataset): Pick<StartEvent, 'warnings'> {
  const few = tooFewSamples(data.trainCount, data.testCount);
  return few ? { warnings: [few] } : {};
}

/** The first event of a run (or of each resumed part of it). */
export function startEvent(
  model: CheckedModel,
  data: Dataset,
  backend: BackendChoice,
  at: {
    runDir: string;
    specPath: string;
    startEpoch: number;
    overrides: TrainingOverrides;
    threads: number;
    /** The test metric of the weights the network starts from (importedMetric measures it), for a spec with a `weights` file. */
    importedMetric?: number | undefined;
  },
): StartEvent {
  const m = model;
  const overrides = namedOverrides(at.overrides);
  return {
    v: PROTOCOL_VERSION,
    type: 'start',
    runDir: at.runDir,
    specPath: at.specPath,
    model: m.name,
    task: m.task,
    metric: metricOf(m.task),
    backend: backend.name,
    backendSkipped: backend.skipped,
    ...(backend.adapter ? { adapter: backend.adapter } : {}),
    threads: at.threads,
    epochs: totalEpochs(m.train),
    startEpoch: at.startEpoch,
    batch: m.train.batch,
    params: m.params,
    trainSamples: data.trainCount,
    testSamples: data.testCount,
    ...(data.validation ? { validationSamples: data.validation.count } : {}),
    ...warningsOf(data),
    inputShape: data.inputShape,
    layers: m.layers.map((l) => ({ name: l.name, kind: l.kind, outputShape: l.outputShape ?? [], params: l.params })),
    ...(Object.keys(overrides).length ? { overrides } : {}),
    ...(m.weights && at.importedMetric !== undefined ? { imported: { value: at.importedMetric, weights: m.weights } } : {}),
    settings: {
      ...m.regularize,
      learningRate: m.train.learningRate,
      optimizer: m.train.optimizer,
      seed: m.train.seed,
      warmup: m.train.warmup,
      finetune: m.train.finetune,
      finetuneLr: finetuneLearningRate(m.train),
      finetuneSchedule: m.train.finetuneSchedule,
    },
  };
}

/**
 * The imported weights' test metric for the start event: a new run (`startEpoch` 1) of a spec with a `weights`
 * file scores the network it starts from, by the evaluation every epoch uses (`test`, on the network's weights as
 * read now) — what `dropneuron evaluate` prints for the spec. Undefined otherwise: a resumed part starts from its
 * checkpoint, not from the file.
 */
export async function importedMetric(model: CheckedModel, startEpoch: number, test: () => Promise<number>): Promise<number | undefined> {
  return model.weights && startEpoch === 1 ? test() : undefined;
}
