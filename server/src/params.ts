/**
 * Checks of request params, for `guard` in server.ts: each returns what is wrong with the params ("expected X,
 * found Y"), or undefined when the handler can take them. A client may send anything (null, a string, a
 * position of -1 or 1.5); the handler then answers its empty result and the server logs why, instead of a
 * handler reading a field of null.
 */
import { EXPORT_FORMATS } from '../../protocol/modelFormats.ts';
import { OVERRIDABLE_SETTINGS, overrideOf, parseSettingValue, type TrainingOverrides } from '../../protocol/settings.ts';

export type ParamsCheck = (params: unknown) => string | undefined;

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 40)}`;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Params that are an object whose fields each pass their check. */
function object(fields: Record<string, ParamsCheck>): ParamsCheck {
  return (params) => {
    if (!isRecord(params)) return `expected params as an object, found ${describe(params)}`;
    for (const [name, check] of Object.entries(fields)) {
      const problem = check(params[name]);
      if (problem) return `\`${name}\`: ${problem}`;
    }
    return undefined;
  };
}

const optional =
  (check: ParamsCheck): ParamsCheck =>
  (value) =>
    value === undefined || value === null ? undefined : check(value);

const string: ParamsCheck = (value) => (typeof value === 'string' ? undefined : `expected a string, found ${describe(value)}`);

/** An LSP uinteger: a whole number from 0 to 2^31 - 1. */
const uinteger: ParamsCheck = (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2 ** 31 - 1
    ? undefined
    : `expected a whole number ≥ 0, found ${describe(value)}`;

const position = object({ line: uinteger, character: uinteger });
const range = object({ start: position, end: position });
const textDocument = object({ uri: string });
const stringArray: ParamsCheck = (value) =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : `expected a list of strings, found ${describe(value)}`;

/** `textDocument` only: formatting, symbols, folding, semantic tokens. */
export const documentParams = object({ textDocument });
/** `textDocument` and `position`: completion, hover, definition, prepare rename. */
export const positionParams = object({ textDocument, position });
/** `textDocument` and `range`: inlay hints, range formatting. */
export const rangeParams = object({ textDocument, range });
export const renameParams = object({ textDocument, position, newName: string });
export const codeActionParams = object({ textDocument, range, context: object({ only: optional(stringArray) }) });

/** The custom requests of protocol/lsp.ts. */
export const uriParams = object({ uri: string });
export const optionalUriParams = object({ uri: optional(string) });
export const runDirParams = object({ runDir: string });
/** At most 64 thresholds, each a finite number ≥ 0: what `dropneuron prune --threshold` accepts. */
const thresholds: ParamsCheck = (value) =>
  Array.isArray(value) && value.length <= 64 && value.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)
    ? undefined
    : `expected a list of at most 64 thresholds ≥ 0, found ${describe(value)}`;
const boolean: ParamsCheck = (value) => (typeof value === 'boolean' ? undefined : `expected true or false, found ${describe(value)}`);
export const pruneParams = object({ runDir: string, thresholds, write: optional(boolean) });
const exportFormat: ParamsCheck = (value) =>
  (EXPORT_FORMATS as readonly unknown[]).includes(value) ? undefined : `expected one of ${EXPORT_FORMATS.join(', ')}, found ${describe(value)}`;
export const exportModelParams = object({ runDir: string, format: exportFormat, target: string, full: optional(boolean) });
export const shrinkParams = object({ uri: string, runDir: optional(string) });
export const specForDataParams = object({ path: string, folder: string });
export const trainParams = object({ uri: string, overrides: optional(overridesCheck) });

/** Overrides as protocol/settings.ts types them, each value one that setting accepts (what the CLI's flags check). */
function overridesCheck(value: unknown): string | undefined {
  if (!isRecord(value)) return `expected an object of settings, found ${describe(value)}`;
  const known = new Set(['regularize', 'train', ...OVERRIDABLE_SETTINGS.filter((s) => s.block === 'run').map((s) => s.field)]);
  for (const key of Object.keys(value)) if (!known.has(key)) return `expected ${[...known].join(', ')}, found \`${key.slice(0, 40)}\``;
  for (const block of ['regularize', 'train'] as const) {
    if (value[block] !== undefined && !isRecord(value[block])) return `\`${block}\`: expected an object, found ${describe(value[block])}`;
  }
  for (const setting of OVERRIDABLE_SETTINGS) {
    const given = overrideOf(value as TrainingOverrides, setting);
    if (given === undefined) continue;
    const parsed = typeof given === 'number' || typeof given === 'string' ? parseSettingValue(setting, String(given)) : { error: `found ${describe(given)}` };
    if ('error' in parsed || parsed.value !== given)
      return `\`${setting.name}\`: ${'error' in parsed ? parsed.error : `expected a ${typeof parsed.value}, found ${describe(given)}`}`;
  }
  return undefined;
}
