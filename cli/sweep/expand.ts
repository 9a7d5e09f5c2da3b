/**
 * A sweep's trials: the cross product of its axes' values, `threshold` apart (its values re-prune every
 * trained run instead of training one each). The order is the axes' and values' order, the last axis varying
 * fastest, so a sweep lists its trials as a person would write them out.
 */
import { resolve } from 'node:path';
import { mergeOverrides, OVERRIDABLE_SETTINGS, withOverride, type TrainingOverrides } from '../../protocol/settings.ts';
import { THRESHOLD_SETTING, type SweepAxis, type SweepValue, type Trial } from '../../protocol/sweep.ts';

/** Axes from the spec's `sweep` block, then the command line's: a flag replaces the spec's axis of the same name. */
export function mergeAxes(spec: readonly SweepAxis[], flags: readonly SweepAxis[]): SweepAxis[] {
  const merged = spec.map((a) => flags.find((f) => f.name === a.name) ?? a);
  return [...merged, ...flags.filter((f) => !spec.some((a) => a.name === f.name))];
}

/**
 * A trial's id from its settings: `dropneuron=0.003,l1=0.0001` (`base` when nothing but the threshold is
 * swept). The same settings give the same id, so a rerun finds each trial's folder whatever the order.
 */
export function trialId(settings: Readonly<Record<string, SweepValue>>): string {
  const parts = Object.entries(settings).map(([name, value]) => `${name}=${String(value).replace(/[^\w.+-]/g, '_')}`);
  return parts.length ? parts.join(',') : 'base';
}

/** Every trial of a sweep, each with the shared overrides and its own settings on top. */
export function expandTrials(specPath: string, axes: readonly SweepAxis[], shared: TrainingOverrides): Trial[] {
  const thresholds = (axes.find((a) => a.name === THRESHOLD_SETTING)?.values ?? []) as number[];
  const trained = axes.filter((a) => a.name !== THRESHOLD_SETTING);
  let combos: Record<string, SweepValue>[] = [{}];
  for (const axis of trained) combos = combos.flatMap((combo) => [...new Set(axis.values)].map((value) => ({ ...combo, [axis.name]: value })));
  return combos.map((settings) => {
    let own: TrainingOverrides = {};
    for (const [name, value] of Object.entries(settings))
      own = withOverride(
        own,
        OVERRIDABLE_SETTINGS.find((s) => s.name === name)!,
        value,
      );
    return { id: trialId(settings), specPath: resolve(specPath), settings, overrides: mergeOverrides(shared, own), thresholds: [...new Set(thresholds)] };
  });
}
