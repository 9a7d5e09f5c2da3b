/**
 * What Shrink says before it applies a run's sizes that cost more accuracy than the run's tolerance: pure, for
 * the tests. Undefined when the run's pruning was within its tolerance (or predates the verdict).
 */
import type { Summary } from '../../protocol/events.ts';
import { DAMAGE_REMEDIES, formatDamage, formatPoints } from '../../protocol/present.ts';

export function shrinkConfirmation(summary: Summary): { message: string; detail: string } | undefined {
  const damage = summary.damage;
  if (!damage?.exceeded) return undefined;
  const sizes = summary.layers
    .filter((l) => summary.compactSizes[l.name] !== undefined && summary.compactSizes[l.name] !== l.neuronsTotal)
    .map((l) => `${l.name} ${l.neuronsTotal} → ${summary.compactSizes[l.name]}`);
  return {
    message: `Shrink to sizes whose pruning cost ${formatPoints(damage.cost)}?`,
    detail: [
      `New sizes: ${sizes.join(', ') || 'as they are'}.`,
      `In this run, ${formatDamage(summary)}, more than its tolerance of ${formatPoints(damage.tolerance)}.`,
      `These sizes come from a damaged model: to keep the accuracy, ${DAMAGE_REMEDIES}, and shrink to that run's sizes.`,
    ].join('\n\n'),
  };
}
