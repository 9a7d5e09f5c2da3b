// Regenerates the reference tables in docs/language.md from the language's own tables, so the
// documentation cannot drift from what the checker accepts. `npm run docs`; a test checks it is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACTIVATIONS,
  BACKENDS,
  DATASETS,
  DIAGNOSTIC_CODES,
  LAYER_KINDS,
  MODEL_STATEMENTS,
  OPTIMIZERS,
  REGULARIZE_SETTINGS,
  TASKS,
  TRAIN_SETTINGS,
  describeRange,
  type ValueSpec,
} from '../language/index.ts';
import { overridesSettingSchema } from '../protocol/settings.ts';

const START = '<!-- generated:start (npm run docs) -->';
const END = '<!-- generated:end -->';
const cell = (s: string): string => s.replace(/\|/g, '\\|');

function valueRange(spec: ValueSpec): string {
  if (spec.type === 'number') return describeRange(spec);
  if (spec.type === 'enum')
    return Object.keys(spec.values)
      .map((v) => `\`${v}\``)
      .join(', ');
  return spec.bare ? 'a quoted string, a name or a number' : 'a quoted string';
}
const defaultOf = (spec: ValueSpec): string => ('default' in spec && spec.default !== undefined ? `\`${spec.default}\`` : '—');

function settingsTable(table: Record<string, ValueSpec>): string {
  return [
    '| setting | valid values | default | meaning |',
    '|---|---|---|---|',
    ...Object.entries(table).map(([k, s]) => `| \`${k}\` | ${valueRange(s)} | ${defaultOf(s)} | ${cell(s.doc)} |`),
  ].join('\n');
}

function optionsTable(options: Record<string, ValueSpec>): string[] {
  const rows = Object.entries(options);
  if (!rows.length) return [];
  return [
    '| option | valid values | default | meaning |',
    '|---|---|---|---|',
    ...rows.map(([k, s]) => `| \`${k}=\` | ${valueRange(s)} | ${defaultOf(s)} | ${cell(s.doc)} |`),
    '',
  ];
}

export function generatedReference(): string {
  const out: string[] = [];
  out.push('### `model` statements', '', '| statement | meaning |', '|---|---|');
  for (const [k, doc] of Object.entries(MODEL_STATEMENTS)) out.push(`| \`${k}\` | ${cell(doc)} |`);
  out.push('', '### Layers', '');
  for (const [kind, spec] of Object.entries(LAYER_KINDS)) {
    out.push(`#### \`${kind}\``, '', '```', spec.signature, '```', '', spec.doc, '', ...optionsTable(spec.options as Record<string, ValueSpec>));
  }
  out.push('### Activations', '', '| name | meaning |', '|---|---|');
  for (const [k, doc] of Object.entries(ACTIVATIONS)) out.push(`| \`${k}\` | ${cell(doc)} |`);
  out.push('', '### Data sets', '');
  for (const [name, spec] of Object.entries(DATASETS)) {
    out.push(
      `#### \`${name}\``,
      '',
      '```',
      spec.signature,
      '```',
      '',
      `${spec.doc} Default task: \`${spec.defaultTask}\`; tasks: ${spec.tasks.map((t) => `\`${t}\``).join(', ')}.`,
      '',
      ...optionsTable(spec.options as Record<string, ValueSpec>),
    );
  }
  out.push('### Tasks', '', '| task | meaning |', '|---|---|');
  for (const [k, doc] of Object.entries(TASKS)) out.push(`| \`${k}\` | ${cell(doc)} |`);
  out.push('', '### `regularize` settings', '', settingsTable(REGULARIZE_SETTINGS), '');
  out.push('### `train` settings', '', settingsTable(TRAIN_SETTINGS), '');
  out.push(
    'Optimizers: ' +
      Object.entries(OPTIMIZERS)
        .map(([k, d]) => `\`${k}\` (${d})`)
        .join('; ') +
      '.',
    '',
  );
  out.push(
    'Backends: ' +
      Object.entries(BACKENDS)
        .map(([k, d]) => `\`${k}\`: ${d}`)
        .join('; ') +
      '.',
    '',
  );
  out.push('### Diagnostics', '', '| code | severity | title | when |', '|---|---|---|---|');
  for (const [code, d] of Object.entries(DIAGNOSTIC_CODES)) out.push(`| ${code} | ${d.severity} | ${cell(d.title)} | ${cell(d.detail)} |`);
  return out.join('\n');
}

export function withReference(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`expected the markers ${START} and ${END} in docs/language.md, found none`);
  return doc.slice(0, start + START.length) + '\n\n' + generatedReference() + '\n\n' + doc.slice(end);
}

/**
 * package.json with its generated settings: `dropneuron.trainer.backend` lists the vocabulary's backends and
 * `dropneuron.trainer.overrides` every overridable setting (protocol/settings.ts).
 */
export function withGeneratedSettings(packageJson: string): string {
  const pkg = JSON.parse(packageJson) as { contributes: { configuration: { properties: Record<string, Record<string, unknown>> } } };
  const properties = pkg.contributes.configuration.properties;
  properties['dropneuron.trainer.backend'] = {
    ...properties['dropneuron.trainer.backend'],
    enum: Object.keys(BACKENDS),
    enumDescriptions: Object.values(BACKENDS),
  };
  properties['dropneuron.trainer.overrides'] = overridesSettingSchema();
  return JSON.stringify(pkg, null, 2) + '\n';
}

if (process.argv[1]?.endsWith('gen-docs.ts')) {
  const path = join(import.meta.dirname, '..', 'docs', 'language.md');
  writeFileSync(path, withReference(readFileSync(path, 'utf8')));
  const pkg = join(import.meta.dirname, '..', 'package.json');
  writeFileSync(pkg, withGeneratedSettings(readFileSync(pkg, 'utf8')));
}
