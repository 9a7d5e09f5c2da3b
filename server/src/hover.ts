import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import {
  ACTIVATIONS,
  BACKENDS,
  BLOCK_DOCS,
  DATASETS,
  LAYER_KINDS,
  MODEL_STATEMENTS,
  OPTIMIZERS,
  PENALTY_TERM_NAMES,
  PENALTY_TERMS,
  PADDINGS,
  REGULARIZE_SETTINGS,
  TASKS,
  SWEEP_SETTINGS,
  TRAIN_SETTINGS,
  DROPOUT_TRAP,
  describeRange,
  describeSensible,
  describeString,
  isOneOf,
  sensibleBounds,
  type Analysis,
  type CheckedLayer,
  type CheckedModel,
  type GlobalRegularization,
  type Position,
  type StatementNode,
  type NumberSpec,
  type ValueSpec,
  values,
} from '../../language/index.ts';
import { basename } from 'node:path';
import { readWeightsHeader, weightsMismatches, weightsPath } from '../../store/weightsFile.ts';
import { groupDigits, locate, shapeText } from './locate.ts';
import type { RunResult } from '../../protocol/lsp.ts';
import { formatPercent, keptByLayer } from '../../protocol/present.ts';

const md = (value: string): MarkupContent => ({ kind: 'markdown', value });

/** What a setting's line means in a `sweep` block, below its usual description. */
const sweepNote = (setting: string): string =>
  setting === 'threshold'
    ? '*In `sweep`:* each value re-prunes every trained run (`dropneuron prune`); no run trains again.'
    : '*In `sweep`:* each value listed trains a run of its own, combined with every value of the other lines.';

export function describeSpec(name: string, spec: ValueSpec): string {
  const range =
    spec.type === 'number'
      ? describeRange(spec)
      : spec.type === 'enum'
        ? Object.keys(spec.values)
            .map((v) => `\`${v}\``)
            .join(' | ')
        : describeString(spec);
  const fallback = 'default' in spec && spec.default !== undefined ? ` · default \`${spec.default}\`` : '';
  // keep_prob (the setting and the layer option): the measured cost of dropout to DropNeuron's sparsity (DNN224).
  const trap = name.replace(/=$/, '') === 'keep_prob' ? `\n\n**With DropNeuron:** ${DROPOUT_TRAP}.` : '';
  return `**${name}** — ${spec.doc}\n\nValid: ${range}${fallback}${spec.type === 'number' ? sensibleLine(spec) : ''}${trap}`;
}

/** The sensible range (DNN223 warns outside it) and what happens past each bound. */
function sensibleLine(spec: NumberSpec): string {
  const range = describeSensible(spec);
  if (!range) return '';
  const whys = sensibleBounds(spec)
    .map((b) => `${b.fraction ? 'a larger fraction' : b.side === 'min' ? 'below' : 'above'}: ${b.bound.why}`)
    .join('; ');
  return `\n\nSensible: ${range} (${whys})`;
}

/** What a word written as a setting's value means: an enum's value (`group_scale sqrt`), a number setting's word (`dropneuron auto`). */
function valueMeaning(spec: ValueSpec | undefined, word: string): string | undefined {
  const meanings = spec?.type === 'enum' ? spec.values : spec?.type === 'number' ? spec.words : undefined;
  return meanings && isOneOf(word, meanings) ? meanings[word] : undefined;
}

/** A layer's DropNeuron strength as it reads: its λ, or under `dropneuron auto` its weight on the λ the run finds. */
function dropneuronOf(layer: CheckedLayer, global: Pick<GlobalRegularization, 'auto'> | undefined): string {
  const weight = layer.reg.dropneuron;
  if (!global?.auto) return String(weight);
  return weight === 0 ? '0' : weight === 1 ? 'auto' : `auto × ${weight}`;
}

/** The layer's shapes, parameters, effective penalties and, after a run, its kept neurons. */
export function describeLayer(layer: CheckedLayer, run: RunResult | undefined, global?: Pick<GlobalRegularization, 'auto'>): string {
  const lines = [
    `**${layer.name}** · \`${layer.kind}\`${layer.activation !== 'linear' ? ` · ${layer.activation}` : ''}`,
    '',
    `${shapeText(layer.inputShape)} → ${shapeText(layer.outputShape)} · ${groupDigits(layer.params)} params`,
  ];
  if (LAYER_KINDS[layer.kind].hasWeights) {
    const r = layer.reg;
    const strength = (t: (typeof PENALTY_TERM_NAMES)[number]): string => (t === 'dropneuron' ? dropneuronOf(layer, global) : String(r[t]));
    lines.push(
      '',
      `Effective regularization: ${PENALTY_TERM_NAMES.map((t) => `${PENALTY_TERMS[t].setting} ${strength(t)}`).join(' · ')} · keep_prob ${r.keepProb}`,
    );
  } else if (layer.kind === 'dropout') {
    lines.push('', `keep_prob ${layer.reg.keepProb}`);
  }
  const stats = keptByLayer(run).get(layer.name);
  if (stats) {
    const compact = run?.done?.summary.compactSizes[layer.name];
    lines.push(
      '',
      `Latest run: **${stats.kept}/${stats.total} neurons kept** · density ${formatPercent(stats.density, 1)}${compact !== undefined && compact !== stats.kept ? ` · compact size ${compact}` : ''}`,
    );
  }
  return lines.join('\n');
}

/**
 * `specPath`: where the spec is saved, for what its files hold (the `weights` file's tensors); undefined for an
 * unsaved spec.
 */
export function hover(analysis: Analysis, position: Position, run: RunResult | undefined, specPath?: string): Hover | null {
  const where = locate(analysis, position);
  const token = where.token;
  if (!token || token.kind === 'comment') return null;
  const range = token.range;
  const word = token.text;
  const block = where.block?.keyword.text;
  const statement = where.statement;
  const reply = (value: string): Hover => ({ contents: md(value), range });

  if (where.block && token === where.block.keyword && isOneOf(word, BLOCK_DOCS)) return reply(`**${word}** — ${BLOCK_DOCS[word]}`);
  if (!statement) return null;
  const head = statement.head.text;
  if (where.layer && (token === statement.head || token === where.layer.nameToken || token === where.layer.sizeToken)) {
    return reply(
      `${describeLayer(where.layer, run, analysis.model?.regularize)}\n\n---\n\`${LAYER_KINDS[where.layer.kind].signature}\`\n\n${LAYER_KINDS[where.layer.kind].doc}`,
    );
  }
  if (head === 'weights' && block === 'model' && specPath && analysis.model) {
    const listing = weightsListing(analysis.model, specPath);
    const doc = isOneOf(head, MODEL_STATEMENTS) ? `**weights** — ${MODEL_STATEMENTS[head]}\n\n` : '';
    if (listing) return reply(`${doc}${listing}`);
  }
  if (token === statement.head) {
    if (block === 'regularize' && isOneOf(word, REGULARIZE_SETTINGS)) return reply(describeSpec(word, REGULARIZE_SETTINGS[word]));
    if (block === 'train' && isOneOf(word, TRAIN_SETTINGS)) return reply(describeSpec(word, TRAIN_SETTINGS[word]));
    if (block === 'sweep' && isOneOf(word, SWEEP_SETTINGS)) return reply(`${describeSpec(word, SWEEP_SETTINGS[word])}\n\n${sweepNote(word)}`);
    if (isOneOf(word, MODEL_STATEMENTS)) return reply(`**${word}** — ${MODEL_STATEMENTS[word]}`);
    return null;
  }
  // An option key, or a value.
  const option = statement.args.find((a) => a.kind === 'option' && (a.key === token || a.value === token));
  if (option?.kind === 'option') {
    const table = where.layer ? (LAYER_KINDS[where.layer.kind].options as Record<string, ValueSpec>) : head === 'data' ? dataOptions(statement) : {};
    const spec = table[option.key.text];
    if (spec && token === option.key) return reply(describeSpec(`${option.key.text}=`, spec));
    if (option.key.text === 'padding' && isOneOf(word, PADDINGS)) return reply(`**${word}** — ${PADDINGS[word]}`);
    return spec ? reply(describeSpec(`${option.key.text}=`, spec)) : null;
  }
  if (head === 'data' && isOneOf(word, DATASETS)) return reply(`**${word}** — ${DATASETS[word].doc}\n\n\`${DATASETS[word].signature}\``);
  if (isOneOf(word, ACTIVATIONS)) return reply(`**${word}** — ${ACTIVATIONS[word]}`);
  if (head === 'task' && isOneOf(word, TASKS)) return reply(`**${word}** — ${TASKS[word]}`);
  if (head === 'optimizer' && isOneOf(word, OPTIMIZERS)) return reply(`**${word}** — ${OPTIMIZERS[word]}`);
  if (head === 'backend' && isOneOf(word, BACKENDS)) return reply(`**${word}** — ${BACKENDS[word]}`);
  const settings: Readonly<Record<string, ValueSpec>> | undefined =
    block === 'regularize' ? REGULARIZE_SETTINGS : block === 'train' ? TRAIN_SETTINGS : block === 'sweep' ? SWEEP_SETTINGS : undefined;
  const meaning = settings && isOneOf(head, settings) ? valueMeaning(settings[head], word) : undefined;
  if (meaning) return reply(`**${head} ${word}** — ${meaning}`);
  if (block === 'regularize' && isOneOf(head, REGULARIZE_SETTINGS)) return reply(describeSpec(head, REGULARIZE_SETTINGS[head]));
  if (block === 'train' && isOneOf(head, TRAIN_SETTINGS)) return reply(describeSpec(head, TRAIN_SETTINGS[head]));
  if (block === 'sweep' && isOneOf(head, SWEEP_SETTINGS)) return reply(describeSpec(head, SWEEP_SETTINGS[head]));
  return null;
}

function dataOptions(statement: StatementNode): Record<string, ValueSpec> {
  const name = values(statement)[0]?.token.text;
  return name && isOneOf(name, DATASETS) ? (DATASETS[name].options as Record<string, ValueSpec>) : {};
}

/** A hover shows at most this many of a weights file's tensors. */
const MAX_LISTED_TENSORS = 24;

/** The `weights` file's tensors and shapes as a table (from its header), and what does not fit the spec's layers. */
function weightsListing(model: CheckedModel, specPath: string): string | undefined {
  const path = weightsPath(model, specPath);
  if (!path) return undefined;
  const read = readWeightsHeader(path);
  if ('error' in read) return `⚠ ${read.error}`;
  const rows = read.tensors.slice(0, MAX_LISTED_TENSORS).map((t) => `| \`${t.name}\` | [${t.shape.join(', ')}] | ${t.dtype} |`);
  const more = read.tensors.length > MAX_LISTED_TENSORS ? `\n\n…and ${read.tensors.length - MAX_LISTED_TENSORS} more` : '';
  const params = read.tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
  const problems = weightsMismatches(model, read.tensors, basename(path)).map((p) => `⚠ ${p.message}`);
  const fit = problems.length
    ? problems.join('\n\n')
    : `Every weighted layer of \`${model.name}\` finds its tensors here: training and \`dropneuron evaluate\` start from them.`;
  return `\`${basename(path)}\`: ${read.tensors.length} tensors, ${groupDigits(params)} values\n\n| tensor | shape | type |\n|---|---|---|\n${rows.join('\n')}${more}\n\n${fit}`;
}
