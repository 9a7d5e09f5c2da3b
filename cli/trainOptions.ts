/**
 * The `train` command's setting flags, generated from the one table of overridable settings
 * (protocol/settings.ts): a flag per setting, its help from the vocabulary, its values checked by the same
 * rule as the spec's.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { OVERRIDABLE_SETTINGS, parseSettingValue, withOverride, type OverridableSetting, type TrainingOverrides } from '../protocol/settings.ts';

/** The vocabulary's doc, first sentence only (a flag's help is short), and where the setting lives in a spec. */
function helpOf(setting: OverridableSetting): string {
  let sentence = (/^.*?\.(?=\s|$)/.exec(setting.spec.doc)?.[0] ?? setting.spec.doc).replace(/\.$/, '');
  // A parenthesis cut open by the first full stop reads better left out.
  const open = sentence.lastIndexOf('(');
  if (open > 0 && !sentence.slice(open).includes(')')) sentence = sentence.slice(0, open).trimEnd();
  return `${sentence} [${setting.block === 'run' ? 'not a spec setting' : `spec: ${setting.block} { ${setting.name} }`}]`;
}

/** The flag's value as help shows it: `<n>`, `<x>`, `<x|auto>` (a number or a word), `<name>`. */
function placeholderOf(setting: OverridableSetting): string {
  const spec = setting.spec;
  if (spec.type !== 'number') return 'name';
  return [spec.integer ? 'n' : 'x', ...Object.keys(spec.words ?? {})].join('|');
}

function optionOf(setting: OverridableSetting): Option {
  const option = new Option(`${setting.flag} <${placeholderOf(setting)}>`, helpOf(setting));
  if (setting.spec.type === 'enum') return option.choices(Object.keys(setting.spec.values));
  return option.argParser((text: string) => {
    const parsed = parseSettingValue(setting, text);
    if ('error' in parsed) throw new InvalidArgumentError(parsed.error);
    return parsed.value;
  });
}

/** Adds every overridable setting's flag to a command. */
export function addSettingOptions(command: Command): Command {
  for (const setting of OVERRIDABLE_SETTINGS) command.addOption(optionOf(setting));
  return command;
}

/** The overrides a parsed command's flags give. */
export function settingOverrides(command: Command): TrainingOverrides {
  let overrides: TrainingOverrides = {};
  for (const setting of OVERRIDABLE_SETTINGS) {
    const option = command.options.find((o) => o.long === setting.flag);
    const value = option ? (command.getOptionValue(option.attributeName()) as number | string | undefined) : undefined;
    if (value !== undefined) overrides = withOverride(overrides, setting, value);
  }
  return overrides;
}
