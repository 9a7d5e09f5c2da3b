import * as vscode from 'vscode';
import { describeRange } from '../../language/index.ts';
import { OVERRIDABLE_SETTINGS, overrideOf, parseSettingValue, withOverride, type OverridableSetting, type TrainingOverrides } from '../../protocol/settings.ts';

type Item = vscode.QuickPickItem & { setting?: OverridableSetting; train?: true };

const TRAIN_LABEL = '$(play) Train with these settings';

function validValues(setting: OverridableSetting): string {
  const spec = setting.spec;
  if (spec.type === 'number') return describeRange(spec);
  if (spec.type === 'enum') return Object.keys(spec.values).join(' | ');
  return 'text';
}

function defaultOf(setting: OverridableSetting): string {
  return 'default' in setting.spec && setting.spec.default !== undefined ? ` · spec default ${setting.spec.default}` : '';
}

/** The list: "Train" first, then every overridable setting (from the one table), the chosen ones marked with their value. */
function items(overrides: TrainingOverrides): Item[] {
  const chosen = OVERRIDABLE_SETTINGS.filter((s) => overrideOf(overrides, s) !== undefined);
  const summary = chosen.map((s) => `${s.name} ${overrideOf(overrides, s)}`).join(', ');
  return [
    { label: TRAIN_LABEL, description: summary || 'the spec as written', train: true },
    { label: 'settings', kind: vscode.QuickPickItemKind.Separator },
    ...OVERRIDABLE_SETTINGS.map((setting): Item => {
      const value = overrideOf(overrides, setting);
      return {
        label: setting.name,
        description: value !== undefined ? `$(edit) ${value}` : `${validValues(setting)}${defaultOf(setting)}`,
        detail: setting.spec.doc,
        setting,
      };
    }),
  ];
}

/** Asks for one setting's value: its choices for an enum, else text checked against the setting's range as it is typed. */
async function askValue(setting: OverridableSetting, current: number | string | undefined): Promise<number | string | null | undefined> {
  const spec = setting.spec;
  if (spec.type === 'enum') {
    const choice = await vscode.window.showQuickPick(
      [{ label: '$(discard) Use the spec’s value', clear: true }, ...Object.entries(spec.values).map(([label, detail]) => ({ label, detail, clear: false }))],
      { title: `${setting.name} for this run`, ...(current !== undefined ? { placeHolder: `now ${current}` } : {}) },
    );
    return choice ? (choice.clear ? null : choice.label) : undefined;
  }
  const text = await vscode.window.showInputBox({
    title: `${setting.name} for this run`,
    prompt: `${validValues(setting)}${defaultOf(setting)}. Empty: the spec’s value.`,
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
 * Lets the user set any overridable setting for one run, starting from the last run's choices: a list of the
 * settings, a value for each one picked, then "Train". Resolves to the overrides, or undefined if dismissed.
 */
export async function pickOverrides(start: TrainingOverrides): Promise<TrainingOverrides | undefined> {
  let overrides = start;
  for (;;) {
    const picked = await vscode.window.showQuickPick(items(overrides), {
      title: 'DropNeuron: settings for this run (the spec stays as it is)',
      placeHolder: 'Pick a setting to change, or Train',
      matchOnDescription: true,
    });
    if (!picked) return undefined;
    if (picked.train) return overrides;
    const setting = picked.setting!;
    const value = await askValue(setting, overrideOf(overrides, setting));
    if (value !== undefined) overrides = withOverride(overrides, setting, value ?? undefined);
  }
}
