import type { AutoStrengthSearch } from '../autoStrength.ts';
import type { LayerWeights } from '../layerWeights.ts';
import type { Network } from '../network.ts';
import type { EpochEnd, TrainingListener } from './listener.ts';

/**
 * `dropneuron auto` at each epoch end: hands the epoch's validation metric to the search, which sets the next
 * epoch's λ, and puts the search's record on the epoch event (so the log holds it, and a resumed run rebuilds
 * the search from the log). It keeps the weights of the last epoch in the band: an epoch out of it trains on
 * from those, since a λ's damage shows an epoch or two after it was done (a ReLU neuron pruned by then does
 * not come back by lowering λ). Runs after the epoch report (which measures validation), before the checkpoint.
 */
export class AutoStrengthStep implements TrainingListener {
  private kept: { epoch: number; weights: LayerWeights[] } | undefined;

  constructor(
    private readonly search: AutoStrengthSearch,
    private readonly network: Network,
    /**
     * A resumed run's checkpoint weights, of epoch `epoch`: the kept weights when that epoch was in the band
     * (or left it and was sent back to them). One that ended just below the band kept an earlier epoch's, which
     * the checkpoint does not hold: that resume keeps none until the next epoch in the band.
     */
    resumed?: { epoch: number; weights: LayerWeights[] },
  ) {
    if (resumed && search.verdict !== 'below') this.kept = resumed;
  }

  async onEpochEnd(end: EpochEnd): Promise<void> {
    const event = end.event;
    if (event?.validationMetric === undefined) return;
    const record = this.search.observe(end.epoch, event.validationMetric);
    if (record.stage === 'search' || record.stage === 'inputs' || record.stage === 'hold') {
      if (this.search.verdict === 'in') this.kept = { epoch: end.epoch, weights: await this.network.read() };
      else if (this.search.verdict === 'out' && this.kept) {
        this.network.write(this.kept.weights);
        record.restored = this.kept.epoch;
      }
    }
    event.auto = record;
  }
}
