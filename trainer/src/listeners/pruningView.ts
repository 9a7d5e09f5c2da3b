import type { LayerWeights } from '../layerWeights.ts';
import type { Evaluator } from '../evaluator.ts';
import type { Trainee } from '../loop.ts';
import { epochEventOf, type EpochEnd, type TrainingListener } from './listener.ts';

/**
 * Each output neuron's largest |incoming weight|, per weighted layer, on weights as they are (W viewed as
 * [rows, cols], a conv kernel as [kh·kw·in, out]): pruning zeroes every |w| below the threshold, so a neuron
 * keeps an incoming weight exactly when this is ≥ the threshold. What the panel's histogram draws.
 */
export function neuronNorms(layers: readonly LayerWeights[]): Record<string, number[]> {
  const norms: Record<string, number[]> = {};
  for (const { layer, w } of layers) {
    const shape = layer.weightShape!;
    const cols = shape[shape.length - 1]!;
    const max = new Array<number>(cols).fill(0);
    for (let idx = 0; idx < w.length; idx++) {
      const v = Math.abs(w[idx]!);
      const j = idx % cols;
      if (v > max[j]!) max[j] = v;
    }
    // Four significant digits: enough for a histogram on a log scale, and the event stays small.
    norms[layer.name] = max.map((v) => Number(v.toPrecision(4)));
  }
  return norms;
}

/**
 * Adds what pruning does to the epoch event: the neurons' norms against the threshold, and the test metric
 * of the weights before pruning (the event's `testMetric` is after). Runs right after the epoch report, which
 * makes the event, and before the checkpoint and the emitter, which write and send it.
 */
export class PruningView implements TrainingListener {
  constructor(
    private readonly t: Trainee,
    private readonly evaluator: Evaluator,
  ) {}

  async onEpochEnd(end: EpochEnd): Promise<void> {
    const event = epochEventOf(end);
    const host = await this.t.network.read();
    event.neuronNorms = neuronNorms(host);
    event.testMetricUnpruned = await this.evaluator.test(host);
  }
}
