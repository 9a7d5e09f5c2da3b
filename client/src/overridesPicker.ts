import * as vscode from 'vscode';
import { analyze, describeRange } from '../../language/index.ts';
import {
  OVERRIDABLE_SETTINGS,
  overrideOf,
  parseSettingValue,
  specValueOf,
  withOverride,
  type OverridableSetting,
  type TrainingOverrides,
} from '../../protocol/settings.ts';

type Item = vscode.QuickPickItem & { setting?: OverridableSetting; train?: true; clear?: true };

/** A setting's value in the spec (or its default), as the picker shows it: undefined where the spec holds none. */
export type SpecValues = (setting: OverridableSetting) => number | string | undefined;

/** The values a spec's text gives its settings; none where it does not check (the picker then shows their ranges). */
export function specValuesOf(text: string): SpecValues {
  const model = analyze(text).model;
  return (setting) => (model ? specValueOf(model, setting) : undefined);
}

const TRAIN_LABEL = '$(play) Train with these settings';
const CLEAR_LABEL = '$(discard) Clear the changes';

function validValues(setting: OverridableSetting): string {
  const spec = setting.spec;
  if (spec.type === 'number') return describeRange(spec);
  if (spec.type === 'enum') return Object.keys(spec.values).join(' | ');
  return 'text';
}

/** What the spec says for a setting: its value there (or its default), for a run option nothing. */
function specSays(setting: OverridableSetting, spec: SpecValues): string {
  const value = spec(setting);
  return value !== undefined ? `spec: ${value}` : '';
}

/**
 * The list: "Train" first, naming every override that will apply; "Clear" when there are any; then every overridable
 * setting (from the one table) with the spec's value, the overridden ones marked with theirs.
 */
export function items(overrides: TrainingOverrides, spec: SpecValues): Item[] {
  const chosen = OVERRIDABLE_SETTINGS.filter((s) => overrideOf(overrides, s) !== undefined);
  const summary = chosen.map((s) => `${s.name} ${overrideOf(overrides, s)}`).join(', ');
  return [
    { label: TRAIN_LABEL, description: summary ? `with ${summary}` : 'the spec as written', train: true },
    ...(chosen.length ? [{ label: CLEAR_LABEL, description: `back to the spec’s values (${chosen.length} changed)`, clear: true as const }] : []),
    { label: 'settings', kind: vscode.QuickPickItemKind.Separator },
    ...OVERRIDABLE_SETTINGS.map((setting): Item => {
      const value = overrideOf(overrides, setting);
      const says = specSays(setting, spec);
      return {
        label: setting.name,
        description: value !== undefined ? `$(edit) ${value} for this run${says ? ` (${says})` : ''}` : says || validValues(setting),
        detail: setting.spec.doc,
        setting,
      };
    }),
  ];
}

/** Asks for one setting's value: its choices for an enum, else text checked against the setting's range as it is typed. */
async function askValue(
  setting: OverridableSetting,
  current: number | string | undefined,
  specValues: SpecValues,
): Promise<number | string | null | undefined> {
  const says = specSays(setting, specValues);
  const spec = setting.spec;
  if (spec.type === 'enum') {
    const choice = await vscode.window.showQuickPick(
      [
        { label: '$(discard) Use the spec’s value', ...(says ? { description: says } : {}), clear: true },
        ...Object.entries(spec.values).map(([label, detail]) => ({ label, detail, clear: false })),
      ],
      { title: `${setting.name} for this run`, ...(current !== undefined ? { placeHolder: `now ${current}` } : {}) },
    );
    return choice ? (choice.clear ? null : choice.label) : undefined;
  }
  const text = await vscode.window.showInputBox({
    title: `${setting.name} for this run`,
    prompt: `${validValues(setting)}. Empty: the spec’s value${says ? ` (${says.replace('spec: ', '')})` : ''}.`,
    value: current !== undefined ? String(current) : '',
    validateInput: (input) => {
      if (!input.trim()) return undefined;
      const parsed = parseSettingValue(setting, input.trim());
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
  if (text === undefined) return undefined;
  if (!text.trim()) return null;
  const parsed = parseSettingValue(setting, text.trim());
  return 'value' in parsed ? parsed.value : undefined;
}

/**
 * Lets the user set any overridable setting for one run, starting from the last run's choices (named on the Train
 * item, and cleared in one pick): a list of the settings with the spec's values, a value for each one picked, then
 * "Train". Resolves to the overrides, or undefined if dismissed.
 */
export async function pickOverrides(start: TrainingOverrides, spec: SpecValues): Promise<TrainingOverrides | undefined> {
  let overrides = start;
  for (;;) {
    const picked = await vscode.window.showQuickPick(items(overrides, spec), {
      title: 'DropNeuron: settings for this run (the spec stays as it is)',
      placeHolder: 'Pick a setting to change, or Train',
      matchOnDescription: true,
    });
    if (!picked) return undefined;
    if (picked.train) return overrides;
    if (picked.clear) {
      overrides = {};
      continue;
    }
    const setting = picked.setting!;
    const value = await askValue(setting, overrideOf(overrides, setting), spec);
    if (value !== undefined) overrides = withOverride(overrides, setting, value ?? undefined);
  }
}
