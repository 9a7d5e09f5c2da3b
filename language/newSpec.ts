/**
 * The `regularize` block every new spec starts with, whoever writes it (the completion snippet, New Spec from Data
 * File…, `dropneuron import`): DropNeuron's strength found by `dropneuron auto` within `tolerance`, and no dropout
 * (DNN224 says why). One list, so that the three stay the same.
 */
export const NEW_SPEC_REGULARIZE: readonly (readonly [setting: string, value: string])[] = [
  ['dropneuron', 'auto'],
  ['threshold', '0.01'],
  ['tolerance', '1'],
];

/** The block as text, its lines indented as the formatter writes them; `extra`: settings one kind of spec adds. */
export function newSpecRegularize(extra: readonly (readonly [setting: string, value: string])[] = []): string[] {
  return ['regularize {', ...[...NEW_SPEC_REGULARIZE, ...extra].map(([setting, value]) => `  ${setting} ${value}`), '}'];
}
