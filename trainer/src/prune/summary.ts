import type { CheckedModel } from '../../../language/index.ts';
import type { Summary } from '../../../protocol/events.ts';
import type { CompactModel } from '../compact.ts';
import { metricOf } from '../evaluate.ts';
import type { LayerWeights } from '../layerWeights.ts';
import { layerStats, totals } from '../stats.ts';

/**
 * The seed's summary statistics of pruned weights and their compact model: what a run's done event reports at
 * its own threshold, and what `dropneuron prune` reports at another. One function, so the two agree exactly.
 */
export function summarize(model: CheckedModel, pruned: readonly LayerWeights[], small: CompactModel, beforePrune: number, afterPrune: number): Summary {
  const stats = layerStats(model, pruned);
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
      inputsKept: l.inputsRead ?? l.aliveOut,
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
