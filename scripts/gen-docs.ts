// Regenerates the reference tables in docs/language.md from the language's own tables, so the
// documentation cannot drift from what the checker accepts. `npm run docs`; a test checks it is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACTIVATIONS,
  BACKENDS,
  BLOCK_DOCS,
  DATASETS,
  DIAGNOSTIC_CODES,
  DROPNEURON_UPDATES,
  GROUP_SCALES,
  LAYER_KINDS,
  MODEL_STATEMENTS,
  OPTIMIZERS,
  REGULARIZE_SETTINGS,
  TASKS,
  TRAIN_SETTINGS,
  INPUT_SIZE,
  LAYER_SIZE,
  WINDOW_SIZE,
  MAX_DIAGNOSTICS,
  MAX_SPEC_LENGTH,
  describeRange,
  describeString,
  describeSensible,
  sensibleBounds,
  type NumberSpec,
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
  return describeString(spec);
}
const defaultOf = (spec: ValueSpec): string => ('default' in spec && spec.default !== undefined ? `\`${spec.default}\`` : '—');

/** The sensible range and why, from the table: "≤ 1 — higher: steps this large make the loss diverge (NaN)". */
function sensibleRange(spec: ValueSpec): string {
  const bounds = spec.type === 'number' ? sensibleBounds(spec) : [];
  if (spec.type !== 'number' || !bounds.length) return '—';
  const whys = bounds.map((b) => `${b.fraction ? 'a higher fraction' : b.side === 'min' ? 'lower' : 'higher'}: ${b.bound.why}`);
  return `${describeSensible(spec)} — ${cell(whys.join('; '))}`;
}

/** "`dropneuron auto`: …", a line per word a number setting takes instead of a number. */
function wordLines(table: Record<string, ValueSpec>): string[] {
  return Object.entries(table).flatMap(([k, s]) => (s.type === 'number' ? Object.entries(s.words ?? {}).map(([w, doc]) => `\`${k} ${w}\`: ${doc}`) : []));
}

function settingsTable(table: Record<string, ValueSpec>): string {
  return [
    '| setting | valid values (else an error) | sensible values (else DNN223) | default | meaning |',
    '|---|---|---|---|---|',
    ...Object.entries(table).map(([k, s]) => `| \`${k}\` | ${valueRange(s)} | ${sensibleRange(s)} | ${defaultOf(s)} | ${cell(s.doc)} |`),
  ].join('\n');
}

function optionsTable(options: Record<string, ValueSpec>): string[] {
  const rows = Object.entries(options);
  if (!rows.length) return [];
  return [
    '| option | valid values (else an error) | sensible values (else DNN223) | default | meaning |',
    '|---|---|---|---|---|',
    ...rows.map(([k, s]) => `| \`${k}=\` | ${valueRange(s)} | ${sensibleRange(s)} | ${defaultOf(s)} | ${cell(s.doc)} |`),
    '',
  ];
}

function sizesTable(rows: [string, NumberSpec][]): string[] {
  return [
    '| value | valid values (else an error) | sensible values (else DNN223) | meaning |',
    '|---|---|---|---|',
    ...rows.map(([k, s]) => `| ${k} | ${valueRange(s)} | ${sensibleRange(s)} | ${cell(s.doc)} |`),
    '',
  ];
}

export function generatedReference(): string {
  const out: string[] = [];
  out.push('### `model` statements', '', '| statement | meaning |', '|---|---|');
  for (const [k, doc] of Object.entries(MODEL_STATEMENTS)) out.push(`| \`${k}\` | ${cell(doc)} |`);
  out.push(
    '',
    '### Layers',
    '',
    'Every number in a spec has a valid range (outside it: an error with a fix that clamps it) and, where a legal value can still',
    'fail to train, a sensible range (outside it: warning DNN223, which says why, with a fix that moves the value to the bound).',
    'Both come from the vocabulary; the tables below show them. The sizes of layers and inputs:',
    '',
    ...sizesTable([
      ['`dense` UNITS, `conv` FILTERS', LAYER_SIZE],
      ['`conv` K, `maxpool` K (a square window written as one number)', WINDOW_SIZE],
      ['`input` SIZE', INPUT_SIZE],
    ]),
    'A layer whose float32 weights alone pass 1 GiB gets DNN306 on its size, as does a whole spec whose training memory passes 4 GiB.',
    '',
  );
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
  for (const line of wordLines(REGULARIZE_SETTINGS)) out.push(line, '');
  out.push(
    'Group scales (`group_scale`): ' +
      Object.entries(GROUP_SCALES)
        .map(([k, d]) => `\`${k}\`: ${d}`)
        .join(' '),
    '',
    'Updates (`update`): ' +
      Object.entries(DROPNEURON_UPDATES)
        .map(([k, d]) => `\`${k}\`: ${d}`)
        .join(' '),
    '',
  );
  out.push('### `train` settings', '', settingsTable(TRAIN_SETTINGS), '');
  out.push('### `sweep` lines', '', `${BLOCK_DOCS.sweep} Each value is checked as in the setting's own block.`, '');
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
  out.push(
    '### Diagnostics',
    '',
    `A file shows at most ${MAX_DIAGNOSTICS} diagnostics, errors first, and one DNN310 that counts the rest; a file longer than ${MAX_SPEC_LENGTH / 1024 / 1024} MB is`,
    'not read at all (DNN309).',
    '',
    '| code | severity | title | when |',
    '|---|---|---|---|',
  );
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
