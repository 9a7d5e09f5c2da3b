import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver/node';
import {
  ACTIVATIONS,
  BLOCK_DOCS,
  BLOCK_KEYWORDS,
  DATASETS,
  DATASET_NAMES,
  NEW_SPEC_REGULARIZE,
  LAYER_KINDS,
  MODEL_STATEMENTS,
  REGULARIZE_SETTINGS,
  TASKS,
  SWEEP_SETTINGS,
  TRAIN_SETTINGS,
  isOneOf,
  values,
  type Analysis,
  type BlockNode,
  type LayerKind,
  type OptionArg,
  type Position,
  type StatementNode,
  type Token,
  type ValueArg,
  type ValueSpec,
  assignSlots,
} from '../../language/index.ts';
import { modelFormat } from '../../protocol/modelFormats.ts';
import { describeSpec } from './hover.ts';
import { lastIndexBefore, layerOf, locate } from './locate.ts';

const md = (value: string) => ({ kind: 'markdown' as const, value });

const snippet = (text: string): Partial<CompletionItem> => ({ insertText: text, insertTextFormat: InsertTextFormat.Snippet });

function item(label: string, kind: CompletionItemKind, doc: string, extra: Partial<CompletionItem> = {}): CompletionItem {
  return { label, kind, documentation: md(doc), ...extra };
}

const LENET_SNIPPET = `# LeNet-300-100 on MNIST with DropNeuron
model \${1:lenet-300-100} {
  data mnist
  input 784

  dense fc1 \${2:300} relu
  dense fc2 \${3:100} relu
  dense out 10
}

regularize {
  dropneuron \${4:auto}
  threshold 0.01
  tolerance \${5:1}
}

train {
  epochs \${6:10}
  batch 256
  optimizer adam
  learning_rate 0.001
}
`;

const BLOCK_SNIPPETS: Record<string, string> = {
  model:
    // Every data set, from the vocabulary: a list written here once left idx and csv out of the snippet's choice.
    'model ${1:name} {\n  data ${2|' +
    DATASET_NAMES.join(',') +
    '|}\n  input ${3:784}\n\n  dense ${4:fc1} ${5:300} ${6|relu,tanh,sigmoid,linear|}\n  dense out ${7:10}\n}',
  // New specs find their strength: `dropneuron auto`, within `tolerance` (and no dropout, which DNN224 warns about).
  regularize: `regularize {\n${NEW_SPEC_REGULARIZE.map(([setting, value], i) => `  ${setting} \${${i + 1}:${value}}`).join('\n')}\n}`,
  train: 'train {\n  epochs ${1:10}\n  batch ${2:256}\n  optimizer ${3|adam,sgd,momentum,rmsprop|}\n  learning_rate ${4:0.001}\n}',
  sweep: 'sweep {\n  dropneuron ${1:0.0003 0.001 0.003}\n  threshold ${2:0.005 0.01 0.02}\n}',
};

const LAYER_SNIPPETS: Record<string, string> = {
  dense: 'dense ${1:fc} ${2:100} ${3|relu,tanh,sigmoid,linear,elu,softplus|}',
  conv: 'conv ${1:conv} ${2:32} ${3:5x5} ${4|relu,tanh,linear|}',
  maxpool: 'maxpool ${1:pool} ${2:2x2}',
  avgpool: 'avgpool ${1:pool} ${2:2x2}',
  lrn: 'lrn ${1:norm}',
  flatten: 'flatten',
  dropout: 'dropout ${1:drop} keep_prob=${2:0.5}',
};

/**
 * The order of the list is what is legal at the cursor, most specific first: the values of the key being written
 * (an enum option's, a setting's, the layer's activation slot), then the options the line may still take. The
 * editor sorts by sortText (else by label, which put `keep_prob=` before `relu`), so every item gets one: its
 * group's rank, then its place in the vocabulary's table (the order the docs list them in).
 */
const RANK = { value: 0, statement: 1, option: 2, block: 3 } as const;

function ranked(items: CompletionItem[], rank: keyof typeof RANK): CompletionItem[] {
  return items.map((i, n) => ({ ...i, sortText: `${RANK[rank]}${String(n).padStart(4, '0')}` }));
}

/**
 * A value (an activation, a data set, an enum value) is one word followed by a space: typing the space accepts the
 * selected one. Keys and snippets commit on nothing: their text ends in `=` or spans lines.
 */
const VALUE_COMMIT = [' '];

/** After a setting or an option key is inserted, open the list again for its value. */
const SUGGEST_AGAIN = { title: 'values', command: 'editor.action.triggerSuggest' };

/** Tokens a user types as one word: the cursor touching one means that word is being written (and gets replaced). */
const WORD_KINDS: ReadonlySet<Token['kind']> = new Set(['ident', 'number', 'shape', 'invalid']);

/** Where the cursor is, read from the token list and the syntax tree. */
interface Context {
  analysis: Analysis;
  offset: number;
  /** The token that ends at or spans the cursor, if any. */
  touching?: Token | undefined;
  /** The word the cursor ends, splits or starts: being edited, so not a finished word of the statement. */
  typed?: Token | undefined;
  /** Finished words end here: where the typed word starts, else the cursor. */
  boundary: number;
  /** Nothing but white space (or the block's `{`) between the line's start and the typed word. */
  lineStart: boolean;
  block?: BlockNode | undefined;
  insideBlock: boolean;
  /** The statement on the cursor's line, if the line has one that starts at or before the cursor. */
  statement?: StatementNode | undefined;
}

/**
 * Completion by context: block keywords at the top level; statement keywords and layer kinds at the start
 * of a model line; settings not yet written in `regularize` / `train`; data sets after `data`; an activation
 * when it is the layer's next slot; options valid for the layer; values of enum options and settings.
 * Nothing inside a comment or a string.
 */
export function complete(analysis: Analysis, position: Position, listFolder?: ListFolder): CompletionItem[] {
  const path = dataPathAt(analysis, position);
  if (path) return listFolder ? pathItems(analysis, path, listFolder) : [];
  const context = contextAt(analysis, position);
  if (!context) return [];
  if (!context.block || !context.insideBlock) return context.lineStart ? blockItems(analysis) : [];
  const keyword = context.block.keyword.text;
  if (keyword === 'regularize') return settingItems(context, context.block, REGULARIZE_SETTINGS);
  if (keyword === 'train') return settingItems(context, context.block, TRAIN_SETTINGS);
  // A sweep line lists values: an enum setting's choices are offered after each one, not only the first.
  if (keyword === 'sweep') return settingItems(context, context.block, SWEEP_SETTINGS, true);
  return keyword === 'model' ? modelItems(context) : [];
}

/**
 * The entries of the folder a data path names (`folder`: the path as written up to its last `/`, '' for the spec's
 * own folder), folders first; names starting with `.` only where `hidden`. The server reads them (store/).
 */
export type ListFolder = (folder: string, hidden: boolean) => readonly { name: string; folder: boolean }[];

/** A data path being written: the string token, the offset of the cursor in it, and which files it may name. */
interface DataPath {
  token: Token;
  offset: number;
  /** Files of these extensions only (folders always): a `weights` file is a `.safetensors`. Any file when absent. */
  extensions?: readonly string[];
}

/** What `dropneuron import` writes and the trainer reads for `weights "…"`: the safetensors format's files. */
const WEIGHTS_EXTENSIONS = [modelFormat('safetensors').extension];

/**
 * The cursor inside the quotes of a path on the `data` line: a data set's file (`data csv "…"`, `data idx "…" "…"`)
 * or a path option's value (`test="…"`, `test_images="…"`); or of the `weights` file. Not after the closing quote.
 */
function dataPathAt(analysis: Analysis, position: Position): DataPath | undefined {
  const where = locate(analysis, position);
  const offset = where.offset;
  const token = analysis.tokens[lastIndexBefore(analysis.tokens, offset)];
  if (token?.kind !== 'string' || offset > (token.unterminated ? token.end : token.end - 1)) return undefined;
  const statement = where.block?.keyword.text === 'model' && where.insideBlock ? where.statement : undefined;
  if (statement?.head.text === 'weights') return values(statement)[0]?.token === token ? { token, offset, extensions: WEIGHTS_EXTENSIONS } : undefined;
  if (statement?.head.text !== 'data') return undefined;
  const [name, ...files] = values(statement);
  if (!name || !isOneOf(name.token.text, DATASETS)) return undefined;
  const spec = DATASETS[name.token.text];
  const positional = files.slice(0, spec.files.length).some((v) => v.token === token);
  const option = statement.args.find((a): a is OptionArg => a.kind === 'option' && a.value === token);
  const table: Readonly<Record<string, ValueSpec>> = spec.options;
  const optionSpec = option ? table[option.key.text] : undefined;
  return positional || (optionSpec?.type === 'string' && optionSpec.path) ? { token, offset } : undefined;
}

/**
 * The files and folders beside the spec that complete the path's last part, folders first (a folder's item ends
 * in `/` and lists its own entries next). Each replaces that part, from the last `/` to the next one or the quote.
 */
function pathItems(analysis: Analysis, path: DataPath, listFolder: ListFolder): CompletionItem[] {
  const { token, offset } = path;
  const text = analysis.text;
  const contentEnd = token.unterminated ? token.end : token.end - 1;
  const typed = text.slice(token.start + 1, offset);
  const folder = typed.slice(0, typed.lastIndexOf('/') + 1);
  const part = typed.slice(folder.length);
  const next = text.indexOf('/', offset);
  const end = next >= 0 && next < contentEnd ? next : contentEnd;
  const range = { start: analysis.lines.positionAt(offset - part.length), end: analysis.lines.positionAt(end) };
  const named = (entry: { name: string; folder: boolean }): boolean => entry.folder || !path.extensions || path.extensions.some((e) => entry.name.endsWith(e));
  return listFolder(folder, part.startsWith('.'))
    .filter(named)
    .map((entry, n) => {
      const name = entry.folder ? `${entry.name}/` : entry.name;
      return item(
        name,
        entry.folder ? CompletionItemKind.Folder : CompletionItemKind.File,
        entry.folder ? `\`${folder}${name}\`: a folder beside the spec; its files come next.` : `\`${folder}${name}\`, relative to the spec's folder.`,
        {
          textEdit: { range, newText: name },
          sortText: `${entry.folder ? 0 : 1}${String(n).padStart(4, '0')}`,
          ...(entry.folder ? { command: SUGGEST_AGAIN } : {}),
        },
      );
    });
}

/** Reads the cursor's surroundings; undefined where nothing may be offered (a comment, a string). */
function contextAt(analysis: Analysis, position: Position): Context | undefined {
  const where = locate(analysis, position);
  const offset = where.offset;
  const tokens = analysis.tokens;
  const i = lastIndexBefore(tokens, offset);
  const touching = i >= 0 && tokens[i]!.end >= offset ? tokens[i] : undefined;
  // A `#` inside a string is part of the string token, so only a real comment token silences completion.
  // Right after a closing quote counts as in the string: a word typed there would be glued to it.
  if (touching?.kind === 'comment' || touching?.kind === 'string') return undefined;
  // The word being edited is the one the cursor ends or splits, else one starting right at the cursor: the editor
  // takes that as the word at the cursor too (and replaces it in its replace mode).
  const after = tokens[i + 1];
  const startsHere = after?.start === offset && WORD_KINDS.has(after.kind) ? after : undefined;
  const typed = touching && WORD_KINDS.has(touching.kind) ? touching : startsHere;
  const previous = tokens[typed && typed === touching ? i - 1 : i];
  const lineStart = !previous || previous.kind === 'newline' || (previous.kind === 'lbrace' && previous === where.block?.open);
  const boundary = typed?.start ?? offset;
  const context: Context = { analysis, offset, touching, typed, boundary, lineStart, block: where.block, insideBlock: where.insideBlock };
  if (where.block) context.statement = statementOnLine(analysis, where.block, offset);
  return context;
}

/** Statements never span lines, so the one on the cursor's line is the last starting at or before it, if on that line. */
function statementOnLine(analysis: Analysis, block: BlockNode, offset: number): StatementNode | undefined {
  const statement = block.statements[lastIndexBefore(block.statements, offset + 1)];
  if (!statement) return undefined;
  const lines = analysis.lines;
  return lines.positionAt(statement.start).line === lines.positionAt(offset).line ? statement : undefined;
}

function blockItems(analysis: Analysis): CompletionItem[] {
  const items = BLOCK_KEYWORDS.map((k) => item(k, CompletionItemKind.Keyword, BLOCK_DOCS[k], snippet(BLOCK_SNIPPETS[k]!)));
  if (analysis.tree.blocks.length === 0) {
    const doc = 'A complete spec: the paper’s LeNet-300-100 on MNIST with DropNeuron, its strength found by `dropneuron auto`.';
    return [item('LeNet-300-100 spec', CompletionItemKind.Snippet, doc, { ...snippet(LENET_SNIPPET), sortText: '0' }), ...ranked(items, 'block')];
  }
  return ranked(items, 'block');
}

/**
 * `regularize` / `train`: the settings not yet written at a line's start; after one, an enum setting's values or a
 * number setting's words (`dropneuron auto`).
 */
function settingItems(context: Context, block: BlockNode, table: Readonly<Record<string, ValueSpec>>, list = false): CompletionItem[] {
  const statement = context.statement;
  if (context.lineStart) {
    const written = new Set(block.statements.filter((s) => s !== statement).map((s) => s.head.text));
    const settings = Object.entries(table)
      .filter(([k]) => !written.has(k))
      .map(([k, spec]) => item(k, CompletionItemKind.Property, describeSpec(k, spec), { insertText: `${k} `, command: SUGGEST_AGAIN }));
    return ranked(settings, 'statement');
  }
  if (!statement || context.touching?.kind === 'equals') return [];
  const spec = isOneOf(statement.head.text, table) ? table[statement.head.text] : undefined;
  const choices = spec?.type === 'enum' ? spec.values : spec?.type === 'number' ? spec.words : undefined;
  if (!choices) return [];
  const finished = finishedValues(context, statement);
  if (!list) return finished.length === 0 ? valueItems(choices) : [];
  const listed = new Set(finished.map((v) => v.token.text));
  return valueItems(Object.fromEntries(Object.entries(choices).filter(([name]) => !listed.has(name))));
}

function modelItems(context: Context): CompletionItem[] {
  if (context.lineStart) return modelStatementItems(context);
  const statement = context.statement;
  if (!statement) return [];
  const table = optionTable(context, statement);
  // After `key=`, or on the value being typed there: that option's values.
  const touching = context.touching;
  const option = touching && statement.args.find((a): a is OptionArg => a.kind === 'option' && (a.equals === touching || a.value === touching));
  if (option) {
    const spec = table[option.key.text];
    return spec?.type === 'enum' ? valueItems(spec.values) : [];
  }
  if (touching?.kind === 'equals') return [];
  const head = statement.head.text;
  const finished = finishedValues(context, statement);
  if (head === 'data') {
    if (finished.length > 0) return optionItems(table, context, statement);
    const sets = Object.entries(DATASETS).map(([k, spec]) =>
      item(k, CompletionItemKind.EnumMember, `${spec.doc}\n\n\`${spec.signature}\``, { commitCharacters: VALUE_COMMIT }),
    );
    return ranked(sets, 'value');
  }
  if (head === 'task') return finished.length === 0 ? valueItems(TASKS) : [];
  const kind = layerKind(context, statement);
  if (!kind) return [];
  const options = optionItems(table, context, statement);
  return activationFits(kind, context, statement) ? [...valueItems(ACTIVATIONS, CompletionItemKind.Function), ...options] : options;
}

/**
 * A model line's start: `data`, `input` and `task` while not yet written (each appears once, DNN216), then the layer
 * kinds as snippets whose tab stops walk through the layer's slots.
 */
function modelStatementItems(context: Context): CompletionItem[] {
  const written = new Set(context.block?.statements.filter((s) => s !== context.statement).map((s) => s.head.text));
  const statements = Object.entries(MODEL_STATEMENTS)
    .filter(([k]) => !written.has(k))
    // `data` and `task` take a word from a list: open it at once.
    .map(([k, doc]) => item(k, CompletionItemKind.Keyword, doc, k === 'input' ? {} : { insertText: `${k} `, command: SUGGEST_AGAIN }));
  const layers = Object.entries(LAYER_KINDS).map(([k, spec]) =>
    item(k, CompletionItemKind.Class, `\`${spec.signature}\`\n\n${spec.doc}`, snippet(LAYER_SNIPPETS[k]!)),
  );
  return ranked([...statements, ...layers], 'statement');
}

/** The statement's positional values that end before the word being typed. */
function finishedValues(context: Context, statement: StatementNode): ValueArg[] {
  return values(statement).filter((v) => v.end <= context.boundary);
}

/** The layer kind of a model statement: from the checked layer table, else from its head (a second, unchecked model). */
function layerKind(context: Context, statement: StatementNode): LayerKind | undefined {
  const checked = layerOf(context.analysis, statement);
  if (checked) return checked.kind;
  const head = statement.head.text;
  return isOneOf(head, LAYER_KINDS) ? head : undefined;
}

/** The options a statement takes: its layer kind's, or its data set's (named by the first value of `data`). */
function optionTable(context: Context, statement: StatementNode): Readonly<Record<string, ValueSpec>> {
  if (statement.head.text === 'data') {
    const name = finishedValues(context, statement)[0]?.token.text;
    return name !== undefined && isOneOf(name, DATASETS) ? DATASETS[name].options : {};
  }
  const kind = layerKind(context, statement);
  return kind ? LAYER_KINDS[kind].options : {};
}

/**
 * An activation fits when the values before the cursor leave the activation as the layer's next slot (the checker's
 * assignment) and the values after the cursor do not already take it: never before a conv's kernel, never twice.
 */
function activationFits(kind: LayerKind, context: Context, statement: StatementNode): boolean {
  const all = values(statement);
  const before = all.filter((v) => v.end <= context.boundary).map((v) => v.token);
  const after = all.filter((v) => v.start >= context.offset && v.token !== context.typed).length;
  const assigned = assignSlots(kind, before);
  return assigned.next?.slot === 'activation' && LAYER_KINDS[kind].slots.length - assigned.filled.length > after;
}

function valueItems(table: Readonly<Record<string, string>>, kind: CompletionItemKind = CompletionItemKind.EnumMember): CompletionItem[] {
  return ranked(
    Object.entries(table).map(([name, doc]) => item(name, kind, doc, { commitCharacters: VALUE_COMMIT })),
    'value',
  );
}

/** Options of the table not already written anywhere on the statement (the key being typed does not count). */
function optionItems(table: Readonly<Record<string, ValueSpec>>, context: Context, statement: StatementNode): CompletionItem[] {
  const written = new Set(statement.args.filter((a): a is OptionArg => a.kind === 'option' && a.key !== context.typed).map((a) => a.key.text));
  const keys = Object.entries(table)
    .filter(([name]) => !written.has(name))
    .map(([name, spec]) => item(`${name}=`, CompletionItemKind.Property, describeSpec(`${name}=`, spec), { insertText: `${name}=`, command: SUGGEST_AGAIN }));
  return ranked(keys, 'option');
}
