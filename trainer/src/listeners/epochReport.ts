import { PROTOCOL_VERSION, type EpochEvent } from '../../../protocol/events.ts';
import { checkMetric, checkWeights } from '../diverged.ts';
import { metricOf } from '../evaluate.ts';
import type { Evaluator } from '../evaluator.ts';
import type { Trainee } from '../loop.ts';
import { totalEpochs } from '../schedule.ts';
import { zeroBelowThreshold } from '../layerWeights.ts';
import { layerStats, totals } from '../stats.ts';
import type { EpochEnd, TrainingListener } from './listener.ts';

/** The train metric reads at most this many training samples: enough to compare with the test metric, at a fraction of its time on MNIST. */
const TRAIN_METRIC_SAMPLES = 5000;

/**
 * Turns an epoch end into the epoch event: the train metric on the weights as they are, the test metric
 * and the seed's statistics on the weights pruned at the threshold. It runs first at every epoch end and
 * puts the event on `end.event` for the listeners after it.
 */
export class EpochReport implements TrainingListener {
  constructor(
    private readonly t: Trainee,
    private readonly evaluator: Evaluator,
  ) {}

  async onEpochEnd(end: EpochEnd): Promise<void> {
    const { model, data, network } = this.t;
    const host = await network.read();
    // The loss can stay finite while the last step's update is not: nothing non-finite is reported or checkpointed.
    checkWeights(host, model, end.epoch);
    const pruned = zeroBelowThreshold(host, model.regularize.threshold);
    const trainMetric = await this.evaluator.train(host, Math.min(data.trainCount, TRAIN_METRIC_SAMPLES));
    const testMetric = await this.evaluator.test(pruned);
    const validationMetric = await this.evaluator.validation(pruned);
    checkMetric(`the train ${metricOf(model.task)}`, trainMetric, model, end.epoch);
    checkMetric(`the test ${metricOf(model.task)}`, testMetric, model, end.epoch);
    const stats = layerStats(model, pruned);
    const sum = totals(stats.layers);
    const event: EpochEvent = {
      v: PROTOCOL_VERSION,
      type: 'epoch',
      epoch: end.epoch,
      epochs: totalEpochs(model.train),
      phase: end.phase,
      seconds: end.seconds,
      samplesPerSecond: data.trainCount / end.seconds,
      loss: end.loss,
      metric: metricOf(model.task),
      trainMetric,
      testMetric,
      layers: stats.layers,
      density: sum.density,
      compression: sum.compression,
      inputsKept: stats.inputs.kept,
      inputsTotal: stats.inputs.total,
    };
    const mask = inputMask(data.imageShape, stats.inputs);
    if (mask) event.inputMask = mask;
    const names = keptInputNames(data, stats.inputs.mask);
    if (names) event.keptInputNames = names;
    if (validationMetric !== undefined) {
      checkMetric(`the validation ${metricOf(model.task)}`, validationMetric, model, end.epoch);
      event.validationMetric = validationMetric;
    }
    end.event = event;
  }
}

/**
 * Which pixels still feed the network, row by row, when the inputs are one image (the data set says its
 * shape) and the first weighted layer reads one pixel per row of its W (a dense layer on the pixels).
 */
export function inputMask(image: [number, number] | undefined, inputs: { total: number; mask: boolean[] }): EpochEvent['inputMask'] {
  if (!image || inputs.total !== image[0] * image[1]) return undefined;
  return { shape: [image[0], image[1]], bits: inputs.mask.map((b) => (b ? '1' : '0')).join('') };
}

/**
 * The kept inputs' names, when the data names its inputs (`inputNames`, one per input in the order the network
 * reads them: a CSV's columns without its target); undefined otherwise, or when the names do not match the inputs.
 */
export function keptInputNames(data: { inputShape: number[]; inputNames?: readonly string[] | undefined }, mask: readonly boolean[]): string[] | undefined {
  const names = data.inputNames;
  if (!names || names.length !== mask.length) return undefined;
  return names.filter((_, i) => mask[i]);
}
