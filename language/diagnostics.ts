import { PENALTY_SETTINGS } from './penalties.ts';
import { listOf, wordList } from './suggest.ts';
import type { Range, Span } from './syntax/positions.ts';

export type Severity = 'error' | 'warning' | 'info';

/** A text edit in the document the diagnostic belongs to. */
export interface TextEdit {
  span: Span;
  range: Range;
  newText: string;
}

/** A suggested fix, carried as data so that the server can offer it as a quick fix. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedInformation {
  message: string;
  span: Span;
  range: Range;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  span: Span;
  range: Range;
  fix?: Fix;
  related?: RelatedInformation[];
}

/**
 * Every diagnostic the language can produce. DNN1xx: syntax; DNN2xx: names and values;
 * DNN3xx: shapes, data and resources. Codes are stable: never renumber, only add.
 * docs/language.md is checked against this table by a test.
 */
export const DIAGNOSTIC_CODES = {
  DNN101: {
    severity: 'error',
    title: 'Unexpected characters',
    detail: 'A word that is not a name, number, shape or string, or punctuation where none belongs.',
  },
  DNN102: { severity: 'error', title: 'Unterminated string', detail: 'A string must close with `"` on the same line.' },
  DNN103: { severity: 'error', title: 'Unknown block', detail: 'Top-level statements are `model NAME { }`, `regularize { }` and `train { }`.' },
  DNN104: { severity: 'error', title: 'Missing `{`', detail: 'A block header must end with `{`.' },
  DNN105: { severity: 'error', title: 'Unclosed block', detail: 'A block must be closed with `}` before the file ends or the next block starts.' },
  DNN106: { severity: 'error', title: 'Unexpected `}`', detail: 'A `}` with no open block.' },
  DNN107: { severity: 'error', title: 'Missing option value', detail: 'An option `key=` must be followed by its value with no space.' },
  DNN108: { severity: 'error', title: 'Nested block', detail: 'Blocks do not nest; `{` is only allowed after a block header.' },
  DNN109: { severity: 'error', title: 'Bad block header', detail: '`model` takes a name; `regularize` and `train` take none.' },
  DNN110: { severity: 'error', title: 'Unknown statement', detail: 'A statement keyword that this block does not know.' },
  DNN111: { severity: 'error', title: 'Setting written as an option', detail: 'Settings are written `key value`, not `key=value`.' },
  DNN201: { severity: 'error', title: 'Unknown activation', detail: 'Activations: linear, relu, tanh, sigmoid, softmax, elu, softplus.' },
  DNN202: { severity: 'error', title: 'Unknown data set', detail: 'Data sets: mnist, sparse-regression, idx, csv, synthetic.' },
  DNN203: {
    severity: 'error',
    title: 'Unknown value',
    detail: 'A word that is not one of the values this setting accepts (optimizer, backend, task, padding).',
  },
  DNN206: { severity: 'error', title: 'Unknown setting', detail: 'A setting that the `regularize` or `train` block does not know.' },
  DNN207: { severity: 'error', title: 'Unknown option', detail: 'A `key=value` option that this layer or data set does not take.' },
  DNN208: { severity: 'error', title: 'Missing argument', detail: 'A statement is missing a required argument.' },
  DNN209: { severity: 'error', title: 'Extra argument', detail: 'A statement has more arguments than it takes.' },
  DNN210: {
    severity: 'error',
    title: 'Wrong kind of value',
    detail: 'A value of the wrong kind: a word where a number belongs, a shape where a size belongs.',
  },
  DNN211: { severity: 'error', title: 'Value out of range', detail: 'A number outside the range its setting allows.' },
  DNN212: { severity: 'error', title: 'Expected a whole number', detail: 'Sizes, counts, epochs, batch and seed are whole numbers.' },
  DNN213: { severity: 'error', title: 'Duplicate setting', detail: 'A setting written twice in one block.' },
  DNN214: { severity: 'error', title: 'Duplicate layer name', detail: 'Two layers with the same name (given or automatic).' },
  DNN215: { severity: 'error', title: 'Duplicate block', detail: 'A file has at most one `model`, one `regularize`, one `train` and one `sweep` block.' },
  DNN216: { severity: 'error', title: 'Duplicate statement', detail: '`data`, `input`, `task` and `weights` appear at most once in a model.' },
  DNN217: { severity: 'error', title: 'Duplicate option', detail: 'An option written twice on one line.' },
  DNN218: {
    severity: 'error',
    title: 'Missing statement',
    detail: 'A model needs a `data` statement, an input shape and at least one layer; a file needs a `model` block.',
  },
  DNN219: {
    severity: 'warning',
    title: 'Penalty on a layer without weights',
    detail: `${listOf(PENALTY_SETTINGS.map((s) => `${s}=`))} on a pooling, normalisation, flatten or dropout layer has no effect.`,
  },
  DNN220: {
    severity: 'info',
    title: 'Nothing will be pruned',
    detail: `With ${wordList(PENALTY_SETTINGS, 'and')} all 0, no penalty pushes weights or neurons to zero.`,
  },
  DNN221: {
    severity: 'warning',
    title: 'Redundant layer',
    detail: 'A layer that changes nothing, such as `flatten` on a flat input or `dropout keep_prob=1`.',
  },
  DNN222: {
    severity: 'warning',
    title: 'Schedule setting without effect',
    detail: '`warmup` longer than `epochs` (the penalties never reach full weight), or `finetune_lr` without `finetune` epochs.',
  },
  DNN223: {
    severity: 'warning',
    title: 'Value outside its sensible range',
    detail:
      'A number the setting allows but that does not train well: far above or below what works (a learning rate of 10, 100 000 epochs, an init_std of 1e300). The message says why.',
  },
  DNN224: {
    severity: 'info',
    title: 'Dropout with DropNeuron',
    detail:
      'Dropout (`keep_prob` below 1) next to DropNeuron keeps far more of the network: LeNet-300-100 kept 44 % of its weights with keep_prob 0.5 and 12 % with 1 (docs/results.md). The quick fix sets `keep_prob` to 1.',
  },
  DNN225: {
    severity: 'warning',
    title: 'Repeated sweep value',
    detail: 'A value listed twice on one line of a `sweep` block: the sweep would train the same run twice. The fix removes the repeat.',
  },
  DNN226: {
    severity: 'error',
    title: 'Options that exclude each other',
    detail:
      'Two options of one line that say the same thing two ways, such as `test=` (a file of test rows) and `test_split=` (a share of the rows) on `data csv`. The fix removes the second.',
  },
  DNN301: { severity: 'error', title: 'Needs an image input', detail: '`conv`, `maxpool`, `avgpool` and `lrn` need a 3-D input (height x width x channels).' },
  DNN302: { severity: 'error', title: 'Needs a flat input', detail: '`dense` needs a flat input; insert `flatten` after image layers.' },
  DNN303: { severity: 'error', title: 'Window larger than input', detail: 'A convolution or pooling window larger than the feature map it slides over.' },
  DNN304: { severity: 'error', title: 'Input does not match data', detail: 'The declared input shape differs from the shape of the data set.' },
  DNN305: {
    severity: 'error',
    title: 'Output does not match task',
    detail: 'The last layer must give one value per class (classify), per target (regress) or per input (autoencode).',
  },
  DNN306: {
    severity: 'warning',
    title: 'Large training memory',
    detail: 'The estimated training memory (weights, gradients, optimizer state and activations for one batch) is very large.',
  },
  DNN307: { severity: 'error', title: 'Task does not fit data', detail: 'A task that this data set cannot provide targets for.' },
  DNN308: { severity: 'warning', title: 'Softmax on the output', detail: 'The classification loss applies softmax itself; the last layer should give logits.' },
  DNN309: {
    severity: 'error',
    title: 'Spec too large',
    detail: 'A file longer than 2 MB (2 097 152 characters) is not read: specs are source text, not data. The editor features are off for it.',
  },
  DNN310: {
    severity: 'info',
    title: 'More problems not shown',
    detail: 'A file shows at most 500 diagnostics, errors first; this one says how many more there are and where the first of them is.',
  },
  DNN311: {
    severity: 'error',
    title: 'Data file problem',
    detail:
      'A file the `data` line names, checked by the editor against the file system (paths are relative to the spec): missing, a directory, an IDX file with a wrong magic, header or size, images and labels that disagree, a CSV file without its `target=` column, a `test=` CSV file whose header differs from the training file’s. The editor checks again when the file changes; `train` names every such file before it starts.',
  },
  DNN312: {
    severity: 'info',
    title: 'More outputs than classes',
    detail:
      "A classifier whose last layer gives more values than its data files have classes (labels 0 to K−1 need K outputs): the extra outputs are never a sample's class and only learn to say no. Harmless, but the layer can be K wide.",
  },
  DNN313: {
    severity: 'error',
    title: 'Weights file problem',
    detail:
      'The safetensors file `weights` names (paths are relative to the spec), checked by the editor against the spec’s layers: missing or unreadable, a tensor a layer needs that is not in it, or one of another shape. `dropneuron import` writes a spec and its weights that fit; `train` refuses a file that does not.',
  },
} as const satisfies Record<string, { severity: Severity; title: string; detail: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
