import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver/node';
import {
  ACTIVATIONS,
  BLOCK_DOCS,
  BLOCK_KEYWORDS,
  DATASETS,
  LAYER_KINDS,
  MODEL_STATEMENTS,
  PADDINGS,
  REGULARIZE_SETTINGS,
  TASKS,
  TRAIN_SETTINGS,
  isOneOf,
  type Analysis,
  type Position,
  type ValueSpec,
} from '../../language/index.ts';
import { describeSpec } from './hover.ts';
import { locate } from './locate.ts';

const md = (value: string) => ({ kind: 'markdown' as const, value });

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
  l1 0.0001
  l2 0
  keep_prob 0.5
  dropneuron 0.0005
  threshold 0.01
}

train {
  epochs \${4:10}
  batch 256
  optimizer adam
  learning_rate 0.001
}
`;

const BLOCK_SNIPPETS: Record<string, string> = {
  model: 'model ${1:name} {\n  data ${2|mnist,sparse-regression,synthetic|}\n  input ${3:784}\n\n  dense ${4:fc1} ${5:300} ${6|relu,tanh,sigmoid,linear|}\n  dense out ${7:10}\n}',
  regularize: 'regularize {\n  l1 ${1:0.0001}\n  l2 ${2:0}\n  keep_prob ${3:0.5}\n  dropneuron ${4:0.0005}\n  threshold ${5:0.01}\n}',
  train: 'train {\n  epochs ${1:10}\n  batch ${2:256}\n  optimizer ${3|adam,sgd,momentum,rmsprop|}\n  learning_rate ${4:0.001}\n}',
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

function valueItems(table: Readonly<Record<string, string>>, kind: CompletionItemKind = CompletionItemKind.EnumMember): CompletionItem[] {
  return Object.entries(table).map(([name, doc]) => item(name, kind, doc));
}

function optionItems(table: Readonly<Record<string, ValueSpec>>, written: Set<string>): CompletionItem[] {
  return Object.entries(table)
    .filter(([name]) => !written.has(name))
    .map(([name, spec]) => item(`${name}=`, CompletionItemKind.Property, describeSpec(`${name}=`, spec), { insertText: `${name}=`, command: { title: 'values', command: 'editor.action.triggerSuggest' } }));
}

/**
 * Completion by context: block keywords at the top level; statement keywords and layer kinds at the start
 * of a model line; settings not yet written in `regularize` / `train`; data sets after `data`; activations
 * after a layer's size; options valid for the layer; values of enum options and settings.
 */
export function complete(analysis: Analysis, position: Position): CompletionItem[] {
  const where = locate(analysis, position);
  const lineStart = analysis.lines.lineStarts[position.line] ?? 0;
  const before = analysis.text.slice(lineStart, where.offset);
  if (/#/.test(before)) return [];
  const words = before.trim().split(/\s+/).filter(Boolean);
  const typing = /\S$/.test(before);
  const complete = typing ? words.slice(0, -1) : words; // words already finished on this line
  const current = typing ? words[words.length - 1]! : '';

  if (!where.block || !where.insideBlock) {
    if (complete.length > 0) return [];
    const items = BLOCK_KEYWORDS.map((k) => item(k, CompletionItemKind.Keyword, BLOCK_DOCS[k], { insertText: BLOCK_SNIPPETS[k]!, insertTextFormat: InsertTextFormat.Snippet }));
    if (analysis.text.trim() === '' || analysis.tree.blocks.length === 0) {
      items.unshift(item('LeNet-300-100 spec', CompletionItemKind.Snippet, 'A complete spec: the paper’s LeNet-300-100 on MNIST with DropNeuron.', { insertText: LENET_SNIPPET, insertTextFormat: InsertTextFormat.Snippet, sortText: '0' }));
    }
    return items;
  }
  const block = where.block.keyword.text;

  if (block === 'regularize' || block === 'train') {
    const table = (block === 'regularize' ? REGULARIZE_SETTINGS : TRAIN_SETTINGS) as Record<string, ValueSpec>;
    if (complete.length === 0) {
      const written = new Set(where.block.statements.filter((s) => s !== where.statement).map((s) => s.head.text));
      return Object.entries(table)
        .filter(([k]) => !written.has(k))
        .map(([k, spec]) => item(k, CompletionItemKind.Property, describeSpec(k, spec), { insertText: `${k} `, command: { title: 'values', command: 'editor.action.triggerSuggest' } }));
    }
    const spec = table[complete[0]!];
    if (complete.length === 1 && spec?.type === 'enum') return valueItems(spec.values);
    return [];
  }

  if (block !== 'model') return [];
  if (complete.length === 0) {
    return [
      ...Object.entries(MODEL_STATEMENTS).map(([k, doc]) => item(k, CompletionItemKind.Keyword, doc)),
      ...Object.entries(LAYER_KINDS).map(([k, spec]) =>
        item(k, CompletionItemKind.Class, `\`${spec.signature}\`\n\n${spec.doc}`, { insertText: LAYER_SNIPPETS[k]!, insertTextFormat: InsertTextFormat.Snippet }),
      ),
    ];
  }
  const head = complete[0]!;
  // A value after `key=`.
  const eq = /^([A-Za-z_]\w*)=\S*$/.exec(current);
  if (eq) {
    if (eq[1] === 'padding') return valueItems(PADDINGS).map((i) => ({ ...i, insertText: i.label, filterText: `padding=${i.label}` }));
    return [];
  }
  if (head === 'data') {
    if (complete.length === 1) return Object.entries(DATASETS).map(([k, spec]) => item(k, CompletionItemKind.EnumMember, `${spec.doc}\n\n\`${spec.signature}\``));
    const name = complete[1]!;
    return isOneOf(name, DATASETS) ? optionItems(DATASETS[name].options as Record<string, ValueSpec>, writtenOptions(words)) : [];
  }
  if (head === 'task') return complete.length === 1 ? valueItems(TASKS) : [];
  if (head === 'input') return [];
  if (!isOneOf(head, LAYER_KINDS)) return [];
  const spec = LAYER_KINDS[head];
  const options = optionItems(spec.options as Record<string, ValueSpec>, writtenOptions(words));
  const positional = complete.slice(1).filter((w) => !w.includes('='));
  const hasActivation = positional.some((w) => isOneOf(w, ACTIVATIONS));
  const last = positional[positional.length - 1];
  // An activation fits once the size (dense) or the kernel (conv) is written.
  const activationSlot = (spec.slots as readonly { slot: string }[]).some((s) => s.slot === 'activation') && !hasActivation && last !== undefined && (head === 'dense' ? /^\d+$/.test(last) : /^\d+(x\d+)?$/.test(last) && positional.length >= 2);
  return activationSlot ? [...valueItems(ACTIVATIONS, CompletionItemKind.Function), ...options] : options;
}

function writtenOptions(words: string[]): Set<string> {
  return new Set(words.filter((w) => w.includes('=')).map((w) => w.split('=')[0]!));
}
