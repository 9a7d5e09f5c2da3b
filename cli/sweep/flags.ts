/**
 * The sweep's command-line values: `--sweep NAME=V1,V2,…` (repeatable) and `prune --threshold X,Y`. Each
 * value is checked by the same rule as the spec's and the `train` flags' (`parseSettingValue`).
 */
import { InvalidArgumentError } from 'commander';
import { OVERRIDABLE_SETTINGS, parseSettingValue, type OverridableSetting } from '../../protocol/settings.ts';
import { THRESHOLD_SETTING, type SweepAxis, type SweepValue } from '../../protocol/sweep.ts';

/** Settings a sweep may vary: every overridable setting of the spec (the run options, like `limit`, are shared flags). */
export const SWEEPABLE = OVERRIDABLE_SETTINGS.filter((s) => s.block !== 'run');

function values(setting: OverridableSetting, text: string): SweepValue[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.every((p) => p === '')) throw new InvalidArgumentError(`expected values for \`${setting.name}\` (${setting.name}=V1,V2), found none`);
  return parts.map((part) => {
    const parsed = parseSettingValue(setting, part);
    if ('error' in parsed) throw new InvalidArgumentError(`\`${setting.name}\`: ${parsed.error}`);
    return parsed.value;
  });
}

/** `1e-3,0.01` → [0.001, 0.01], each a valid threshold. */
export function parseThresholds(text: string): number[] {
  return values(
    SWEEPABLE.find((s) => s.name === THRESHOLD_SETTING)!,
    text,
  ) as number[];
}

/** One `--sweep NAME=V1,V2` flag, added to the axes before it (commander's accumulator). */
export function parseSweepFlag(text: string, previous: SweepAxis[] = []): SweepAxis[] {
  const eq = text.indexOf('=');
  const name = (eq < 0 ? text : text.slice(0, eq)).trim().replace(/-/g, '_');
  const setting = SWEEPABLE.find((s) => s.name === name);
  if (!setting)
    throw new InvalidArgumentError(`expected NAME=V1,V2 with NAME one of ${SWEEPABLE.map((s) => s.name).join(', ')}, found ${JSON.stringify(text)}`);
  if (eq < 0) throw new InvalidArgumentError(`expected ${name}=V1,V2, found no values`);
  if (previous.some((a) => a.name === name)) throw new InvalidArgumentError(`expected \`${name}\` once among the --sweep flags, found it twice`);
  return [...previous, { name, values: values(setting, text.slice(eq + 1)) }];
}
