/**
 * The one table of settings a run can override, derived from the vocabulary: every `regularize` and `train`
 * setting of the spec, plus the run options that are not spec settings (`limit`). The CLI's `train` flags,
 * the arguments the language server passes to the trainer and the editor's overrides (the
 * `dropneuron.trainer.overrides` setting) are all generated from it; test/protocol/settings.test.ts proves
 * that each round-trips through the real CLI parser.
 */
import {
  numberFault,
  describeRange,
  REGULARIZE_SETTINGS,
  TRAIN_SETTINGS,
  type CheckedModel,
  type GlobalRegularization,
  type NumberSpec,
  type Overrides,
  type RegularizeKey,
  type RegularizeOverrides,
  type TrainKey,
  type TrainSettings,
  type ValueSpec,
} from '../language/index.ts';

/** Options of a run that the spec does not hold. */
export const RUN_OPTIONS = {
  limit: { type: 'number', doc: 'Train on the first N training samples only (the test set stays whole).', min: 1, integer: true },
} as const satisfies Record<string, NumberSpec>;
export type RunOptionKey = keyof typeof RUN_OPTIONS;

/** snake_case → camelCase: how a spec setting's name becomes its field in the checked model. */
type Camel<S extends string> = S extends `${infer A}_${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;

// The checked model's fields are the vocabulary's names in camelCase, no more and no fewer: if a setting is
// added to the vocabulary without its field (or the reverse), these lines stop compiling. `regularize` has one
// field that no setting names: `auto`, which the checker derives from `dropneuron auto`.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const regularizeFields: Same<Camel<RegularizeKey>, keyof RegularizeOverrides> = true;
const derivedFields: Same<keyof GlobalRegularization, keyof RegularizeOverrides | 'auto'> = true;
const trainFields: Same<Camel<TrainKey>, keyof TrainSettings> = true;
void regularizeFields;
void derivedFields;
void trainFields;

/** What a run may change: the spec's settings (as the checker takes them) and the run options. */
export type TrainingOverrides = Overrides & { [K in RunOptionKey]?: number };

export interface OverridableSetting {
  /** The spec's name: `keep_prob`. */
  name: string;
  /** Where it lives: a spec block, or `run` for the run options. */
  block: 'regularize' | 'train' | 'run';
  /** The field of the checked model (and of `TrainingOverrides[block]`): `keepProb`. */
  field: string;
  /** The command-line flag: `--keep-prob`. */
  flag: string;
  spec: ValueSpec;
}

const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function entries(block: OverridableSetting['block'], table: Readonly<Record<string, ValueSpec>>): OverridableSetting[] {
  return Object.entries(table).map(([name, spec]) => ({ name, block, field: camel(name), flag: `--${name.replace(/_/g, '-')}`, spec }));
}

export const OVERRIDABLE_SETTINGS: readonly OverridableSetting[] = [
  ...entries('regularize', REGULARIZE_SETTINGS),
  ...entries('train', TRAIN_SETTINGS),
  ...entries('run', RUN_OPTIONS),
];

/** The value of one setting in a set of overrides, or undefined. */
export function overrideOf(overrides: TrainingOverrides, setting: OverridableSetting): number | string | undefined {
  const holder = setting.block === 'run' ? overrides : overrides[setting.block];
  return (holder as Record<string, number | string | undefined> | undefined)?.[setting.field];
}

/**
 * The value a run of the checked spec takes for one setting when nothing overrides it: what the spec says, or its
 * default (`dropneuron auto` reads `auto`). Undefined for run options, which the spec does not hold.
 */
export function specValueOf(model: CheckedModel, setting: OverridableSetting): number | string | undefined {
  if (setting.block === 'run') return undefined;
  if (setting.block === 'regularize' && setting.field === 'dropneuron' && model.regularize.auto) return 'auto';
  const holder = (setting.block === 'regularize' ? model.regularize : model.train) as unknown as Record<string, number | string | undefined>;
  return holder[setting.field];
}

/** Sets (or with undefined, removes) one setting in a set of overrides; returns the new overrides. */
export function withOverride(overrides: TrainingOverrides, setting: OverridableSetting, value: number | string | undefined): TrainingOverrides {
  const next: Record<string, unknown> = { ...overrides };
  if (setting.block === 'run') {
    if (value === undefined) delete next[setting.field];
    else next[setting.field] = value;
    return next as TrainingOverrides;
  }
  const group: Record<string, unknown> = { ...(overrides[setting.block] as Record<string, unknown> | undefined) };
  if (value === undefined) delete group[setting.field];
  else group[setting.field] = value;
  if (Object.keys(group).length) next[setting.block] = group;
  else delete next[setting.block];
  return next as TrainingOverrides;
}

/** Overrides by the spec's names (`{ learning_rate: 0.01, limit: 500 }`): how people and events read them. */
export function namedOverrides(overrides: TrainingOverrides): Record<string, number | string> {
  return Object.fromEntries(
    OVERRIDABLE_SETTINGS.flatMap((s) => {
      const value = overrideOf(overrides, s);
      return value === undefined ? [] : [[s.name, value]];
    }),
  );
}

/** The trainer's command-line arguments for a set of overrides: what the language server passes. */
export function overrideArgs(overrides: TrainingOverrides): string[] {
  return OVERRIDABLE_SETTINGS.flatMap((s) => {
    const value = overrideOf(overrides, s);
    return value === undefined ? [] : [s.flag, String(value)];
  });
}

/**
 * A value for a setting, parsed from text and checked against the setting's range or choices: the one
 * validation behind the CLI's flags and the editor's overrides. Returns the value or the reason it is not one.
 */
export function parseSettingValue(setting: OverridableSetting, text: string): { value: number | string } | { error: string } {
  const spec = setting.spec;
  if (spec.type === 'number') {
    if (spec.words && Object.hasOwn(spec.words, text)) return { value: text };
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || numberFault(spec, value))
      return { error: `expected ${describeRange(spec)}, found ${JSON.stringify(text)}` };
    return { value };
  }
  if (spec.type === 'enum') {
    const choices = Object.keys(spec.values);
    return choices.includes(text) ? { value: text } : { error: `expected one of ${choices.join(', ')}, found ${JSON.stringify(text)}` };
  }
  return text ? { value: text } : { error: 'expected a value, found none' };
}

/**
 * Overrides from loosely typed input (the editor's `dropneuron.trainer.overrides` setting, keyed by the spec's
 * names): every valid entry is kept; each invalid or unknown one becomes a message naming it and why.
 */
export function overridesFromRecord(record: Readonly<Record<string, unknown>>): { overrides: TrainingOverrides; problems: string[] } {
  let overrides: TrainingOverrides = {};
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(record)) {
    const setting = OVERRIDABLE_SETTINGS.find((s) => s.name === name);
    if (!setting) {
      problems.push(`\`${name}\` is not a setting a run can override (${OVERRIDABLE_SETTINGS.map((s) => s.name).join(', ')})`);
      continue;
    }
    if (raw === null || raw === undefined) continue;
    const parsed = parseSettingValue(setting, String(raw));
    if ('error' in parsed) problems.push(`\`${name}\`: ${parsed.error}`);
    else overrides = withOverride(overrides, setting, parsed.value);
  }
  return { overrides, problems };
}

/** Overrides merged: later ones win, setting by setting. */
export function mergeOverrides(...all: TrainingOverrides[]): TrainingOverrides {
  let merged: TrainingOverrides = {};
  for (const overrides of all) {
    for (const setting of OVERRIDABLE_SETTINGS) {
      const value = overrideOf(overrides, setting);
      if (value !== undefined) merged = withOverride(merged, setting, value);
    }
  }
  return merged;
}

/** A JSON schema for one setting's value, from its vocabulary spec (for the editor's settings UI). */
function schemaOf(setting: OverridableSetting): Record<string, unknown> {
  const spec = setting.spec;
  const description = `${spec.doc}${'default' in spec && spec.default !== undefined ? ` Spec default: \`${spec.default}\`.` : ''}`;
  if (spec.type === 'enum')
    return { type: 'string', enum: Object.keys(spec.values), enumDescriptions: Object.values(spec.values), markdownDescription: description };
  if (spec.type === 'string') return { type: 'string', markdownDescription: description };
  const number = {
    type: spec.integer ? 'integer' : 'number',
    ...(spec.min !== undefined ? (spec.minExclusive ? { exclusiveMinimum: spec.min } : { minimum: spec.min }) : {}),
    ...(spec.max !== undefined ? { maximum: spec.max } : {}),
  };
  // A number or one of the setting's words (`dropneuron`: a λ or "auto").
  if (spec.words)
    return {
      anyOf: [number, { type: 'string', enum: Object.keys(spec.words), enumDescriptions: Object.values(spec.words) }],
      markdownDescription: description,
    };
  return { ...number, markdownDescription: description };
}

/**
 * The `dropneuron.trainer.overrides` entry of the extension's package.json, generated from the table
 * (`npm run docs` writes it; a test checks it is current): one property per overridable setting.
 */
export function overridesSettingSchema(): Record<string, unknown> {
  return {
    type: 'object',
    default: {},
    additionalProperties: false,
    properties: Object.fromEntries(OVERRIDABLE_SETTINGS.map((s) => [s.name, schemaOf(s)])),
    markdownDescription:
      'Settings that runs started from the editor use instead of the spec’s, by the spec’s names, e.g. `{ "epochs": 2, "learning_rate": 0.01, "limit": 5000 }`: every `regularize` and `train` setting, and `limit` (train on the first N samples). The same names as the command line’s `dropneuron train --NAME` flags.',
  };
}
