import type { Diagnostic } from '../diagnostics.ts';
import { hasPenalty, PENALTY_SETTINGS } from '../penalties.ts';
import { MAX_DIAGNOSTICS, Reporter } from '../report.ts';
import type { Span } from '../syntax/positions.ts';
import { didYouMean, listOf } from '../suggest.ts';
import type { ParseResult } from '../syntax/parser.ts';
import { clip, describeToken, type Token } from '../syntax/tokens.ts';
import { values, type BlockNode, type StatementNode } from '../syntax/tree.ts';
import {
  LAYER_KIND_NAMES,
  LAYER_KINDS,
  MODEL_STATEMENTS,
  REGULARIZE_SETTINGS,
  TASKS,
  TRAIN_SETTINGS,
  DATASETS,
  INPUT_SIZE,
  isOneOf,
  type DropneuronWord,
  type LayerKind,
  type RegularizeKey,
  type Task,
} from '../vocabulary.ts';
import { dataFacts, readData } from './data.ts';
import { checkDropoutTrap } from './dropout.ts';
import { readLayer, resolveLayers, type WrittenLayer } from './layers.ts';
import { formatShape, groupDigits, shapeSize, type CheckedModel, type DataSpec, type GlobalRegularization, type Shape, type TrainSettings } from './model.ts';
import { previousEnd } from './options.ts';
import { readSettings } from './settings.ts';
import { readSweep } from './sweep.ts';
import { readEnum, readNumber, readString } from './values.ts';

/** Above this estimate a spec gets a DNN306 warning: more than a laptop or a small GPU holds. */
export const MEMORY_WARNING_BYTES = 4 * 1024 ** 3;
/** Above this, a single layer's float32 weights get a DNN306 warning on the layer: 1 GiB, 268 million weights. */
export const LAYER_WEIGHTS_WARNING_BYTES = 1024 ** 3;

const MODEL_WORDS = [...Object.keys(MODEL_STATEMENTS), ...LAYER_KIND_NAMES];

/**
 * Values that replace the spec's `regularize` / `train` settings (the command line's --l1, --epochs, ...), by
 * their fields in the checked model, each as the spec writes it: `dropneuron` a λ or `auto`, which the checker
 * turns into the model's `auto` and `dropneuron` as it does the spec's.
 */
export interface Overrides {
  regularize?: RegularizeOverrides;
  train?: Partial<TrainSettings>;
}

/** The `regularize` settings a run can override: the checked model's fields but the derived `auto`, `dropneuron` as written. */
export type RegularizeOverrides = Partial<Omit<GlobalRegularization, 'auto' | 'dropneuron'>> & { dropneuron?: number | DropneuronWord };

export interface CheckResult {
  model?: CheckedModel;
  diagnostics: Diagnostic[];
  /** Whether the checker found an error, kept or not. */
  hasErrors: boolean;
  /** Diagnostics past the document's limit, not kept, and where the first was. */
  omitted: number;
  firstOmitted?: Span;
}

/** Resolves a parsed document into a checked model and its diagnostics. Never throws. */
export function check(parsed: ParseResult, overrides: Overrides = {}): CheckResult {
  // One budget of diagnostics for the document: the parser's errors first. A line with a syntax error gets only
  // that error: what the checker says about it would follow from it.
  const reporter = new Reporter(parsed.lines, { limit: MAX_DIAGNOSTICS - parsed.diagnostics.length, quietLines: parsed.brokenLines });
  const blocks = firstOfEach(parsed.tree.blocks, reporter);
  const regularize = globalRegularization(blocks.regularize, overrides.regularize, reporter);
  const train = { ...trainSettings(blocks.train, reporter), ...overrides.train };
  if (blocks.train) checkSchedule(blocks.train, train, reporter);
  if (!blocks.model) {
    const at = parsed.tree.blocks[0]?.keyword ?? { start: 0, end: Math.min(parsed.text.length, parsed.lines.lineEnd(0)) };
    reporter.report('DNN218', at, `expected a \`model NAME { ... }\` block, found ${parsed.tree.blocks.length ? 'none' : 'an empty file'}`);
    return result(reporter);
  }
  const model = checkModel(blocks.model, blocks.regularize, regularize, train, reporter);
  if (blocks.train && model.data) checkValidation(blocks.train, train, model.data, reporter);
  if (blocks.sweep) model.sweep = readSweep(blocks.sweep, reporter);
  return { model, ...result(reporter) };
}

function result(reporter: Reporter): CheckResult {
  const checked: CheckResult = { diagnostics: reporter.diagnostics, hasErrors: reporter.hasErrors, omitted: reporter.omitted };
  if (reporter.firstOmitted) checked.firstOmitted = reporter.firstOmitted;
  return checked;
}

function firstOfEach(all: BlockNode[], reporter: Reporter): Partial<Record<'model' | 'regularize' | 'train' | 'sweep', BlockNode>> {
  const first: Partial<Record<'model' | 'regularize' | 'train' | 'sweep', BlockNode>> = {};
  for (const block of all) {
    const kind = block.keyword.text;
    if (kind !== 'model' && kind !== 'regularize' && kind !== 'train' && kind !== 'sweep') continue;
    const earlier = first[kind];
    if (earlier) {
      reporter.report('DNN215', block.keyword, `expected one \`${kind}\` block, found another (first on line ${earlier.keyword.range.start.line + 1})`, {
        related: [{ message: `first \`${kind}\` block`, at: earlier.keyword }],
      });
    } else {
      first[kind] = block;
    }
  }
  return first;
}

/**
 * Every `regularize` setting, overridden, written or its default, by its field in the checked model
 * (`keep_prob` → keepProb) and in the vocabulary's order: the penalty terms' strengths among them
 * (protocol/settings.ts checks that the fields and the settings match). Then `auto`, from `dropneuron auto`, which
 * leaves `dropneuron` 1: the unit the found λ multiplies.
 */
function globalRegularization(block: BlockNode | undefined, overrides: RegularizeOverrides = {}, reporter: Reporter): GlobalRegularization {
  const s = block ? readSettings(block, REGULARIZE_SETTINGS, reporter) : {};
  const field = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const given = overrides as Readonly<Record<string, number | string | undefined>>;
  const value = (key: RegularizeKey): number | string => given[field(key)] ?? s[key] ?? REGULARIZE_SETTINGS[key].default;
  const fields = Object.fromEntries((Object.keys(REGULARIZE_SETTINGS) as RegularizeKey[]).map((key) => [field(key), value(key)]));
  const auto = fields.dropneuron === 'auto';
  // Under auto, groups are weighed by their size unless the spec says otherwise: one λ then acts alike on every
  // layer (measured in docs/results/auto.md: it kept the accuracy on 5 of 6 tasks where even groups did on 2).
  const scaled = auto && given[field('group_scale')] === undefined && s.group_scale === undefined ? { groupScale: 'sqrt' } : {};
  return { ...fields, ...(auto ? { dropneuron: 1 } : {}), ...scaled, auto } as unknown as GlobalRegularization;
}

function trainSettings(block: BlockNode | undefined, reporter: Reporter): TrainSettings {
  const s = block ? readSettings(block, TRAIN_SETTINGS, reporter) : {};
  const num = (key: 'epochs' | 'batch' | 'learning_rate' | 'seed' | 'init_std' | 'warmup' | 'finetune' | 'validation'): number =>
    typeof s[key] === 'number' ? (s[key] as number) : TRAIN_SETTINGS[key].default;
  return {
    epochs: num('epochs'),
    batch: num('batch'),
    optimizer: (s.optimizer as TrainSettings['optimizer'] | undefined) ?? TRAIN_SETTINGS.optimizer.default,
    learningRate: num('learning_rate'),
    seed: num('seed'),
    backend: (s.backend as TrainSettings['backend'] | undefined) ?? TRAIN_SETTINGS.backend.default,
    init: (s.init as TrainSettings['init'] | undefined) ?? TRAIN_SETTINGS.init.default,
    initStd: num('init_std'),
    warmup: num('warmup'),
    finetune: num('finetune'),
    finetuneSchedule: (s.finetune_schedule as TrainSettings['finetuneSchedule'] | undefined) ?? TRAIN_SETTINGS.finetune_schedule.default,
    validation: num('validation'),
    ...(typeof s.finetune_lr === 'number' ? { finetuneLr: s.finetune_lr } : {}),
    ...(typeof s.threads === 'number' ? { threads: s.threads } : {}),
  };
}

/** Schedule settings that a spec can write but that would do nothing, or not what they say. */
function checkSchedule(block: BlockNode, train: TrainSettings, reporter: Reporter): void {
  const statement = (key: string) => block.statements.find((s) => s.head.text === key);
  const warmup = statement('warmup');
  if (warmup && train.warmup > train.epochs) {
    reporter.report(
      'DNN222',
      warmup,
      `expected \`warmup\` at most \`epochs\` (${train.epochs}), found ${train.warmup}: the penalties would never reach their full weight`,
    );
  }
  for (const key of ['finetune_lr', 'finetune_schedule']) {
    const line = statement(key);
    if (!line || train.finetune !== 0) continue;
    reporter.report('DNN222', line, `expected \`finetune\` epochs for \`${key}\` to apply to, found none: add \`finetune N\` or remove this line`, {
      fix: reporter.deleteLines(`Remove \`${key}\``, line.range.start.line, line.range.end.line),
    });
  }
}

/**
 * A `validation` count that holds out every training sample of a data set whose size the spec fixes (`mnist
 * limit=N`, generated data) leaves nothing to train on: DNN211 on the written value, when it is the one in effect.
 */
function checkValidation(block: BlockNode, train: TrainSettings, data: DataSpec, reporter: Reporter): void {
  const statement = block.statements.find((s) => s.head.text === 'validation');
  const token = statement && values(statement)[0]?.token;
  const trainSamples = dataFacts(data).trainSamples;
  if (!token || token.value !== train.validation || trainSamples === undefined || train.validation < Math.max(1, trainSamples)) return;
  reporter.report(
    'DNN211',
    token,
    `expected \`validation\` below the ${groupDigits(trainSamples)} training samples of \`${data.kind}\` data, found \`${clip(token.text)}\`: no sample would be left to train on`,
    { fix: reporter.replace('Change to 0.1 (a tenth of the training samples)', token, '0.1') },
  );
}

function checkModel(
  block: BlockNode,
  regularizeBlock: BlockNode | undefined,
  regularize: GlobalRegularization,
  train: TrainSettings,
  reporter: Reporter,
): CheckedModel {
  const name = block.header[0]?.kind === 'ident' ? block.header[0].text : 'model';
  const once = new Map<string, StatementNode>();
  const written: WrittenLayer[] = [];
  const kindCounts = new Map<LayerKind, number>();
  let data: DataSpec | undefined;
  let dataStatement: StatementNode | undefined;
  let task: Task | undefined;
  let taskToken: Token | undefined;
  let input: Shape | undefined;
  let inputToken: Token | undefined;
  let weights: string | undefined;

  for (const statement of block.statements) {
    const head = statement.head.text;
    if (head === 'data' || head === 'input' || head === 'task' || head === 'weights') {
      const first = once.get(head);
      if (first) {
        reporter.report('DNN216', statement, `expected one \`${head}\` statement, found another (first on line ${first.range.start.line + 1})`, {
          fix: reporter.deleteLines(`Remove this \`${head}\``, statement.range.start.line, statement.range.end.line),
          related: [{ message: `first \`${head}\``, at: first }],
        });
        continue;
      }
      once.set(head, statement);
      if (head === 'data') {
        dataStatement = statement;
        data = readData(statement, reporter);
      } else if (head === 'input') {
        inputToken = values(statement)[0]?.token;
        input = readInput(statement, reporter);
      } else if (head === 'weights') {
        weights = readWeights(statement, reporter);
      } else {
        taskToken = values(statement)[0]?.token;
        task = readTask(statement, reporter);
      }
    } else if (isOneOf<LayerKind>(head, LAYER_KINDS)) {
      const count = (kindCounts.get(head) ?? 0) + 1;
      kindCounts.set(head, count);
      written.push(readLayer(statement, head, `${LAYER_KINDS[head].autoName}${count}`, written.length, reporter));
    } else {
      reportUnknownStatement(statement, reporter);
    }
  }

  checkLayerNames(written, reporter);
  const facts = data ? dataFacts(data) : {};
  if (!dataStatement) {
    reporter.report('DNN218', block.keyword, `expected a \`data\` statement in \`model ${name}\` (${listOf(Object.keys(DATASETS))}), found none`, {
      fix: insertAfterHeader(block, 'data mnist', reporter),
    });
  }
  if (input && data && facts.inputs && !facts.inputs.some((s) => sameShape(s, input!))) {
    const expected = facts.inputs.map((s) => (s.length === 1 ? String(s[0]) : s.join('x')));
    const best = expected[input.length === 3 && expected.length > 1 ? 1 : 0]!;
    reporter.report(
      'DNN304',
      inputToken ?? block.keyword,
      `expected ${expected.map((e) => `\`${e}\``).join(' or ')} for \`${data.kind}\` data, found \`${input.join('x')}\``,
      {
        ...(inputToken ? { fix: reporter.replace(`Change to ${best}`, inputToken, best) } : {}),
      },
    );
  }
  if (!input && !once.has('input')) {
    if (facts.inputs) input = facts.inputs[0];
    else if (data) {
      reporter.report('DNN218', dataStatement!.head, `expected an \`input\` statement: \`${data.kind}\` data takes its shape from it, found none`, {
        fix: insertAfterHeader(block, 'input 784', reporter),
      });
    }
  }
  const dataTask = data ? DATASETS[data.kind].defaultTask : 'classify';
  const effectiveTask: Task = task ?? dataTask;
  if (task && data && !(DATASETS[data.kind].tasks as readonly Task[]).includes(task)) {
    reporter.report('DNN307', taskToken ?? block.keyword, `expected ${listOf(DATASETS[data.kind].tasks)} for \`${data.kind}\` data, found \`${task}\``);
  }
  if (written.length === 0) {
    reporter.report('DNN218', block.keyword, `expected at least one layer in \`model ${name}\` (${listOf(LAYER_KIND_NAMES)}), found none`);
  }
  const layers = resolveLayers(written, input, inputToken, regularize, reporter);
  const model: CheckedModel = {
    name,
    block,
    task: effectiveTask,
    layers,
    regularize,
    train,
    params: layers.reduce((sum, l) => sum + l.params, 0),
    memoryBytes: 0,
  };
  if (data) model.data = data;
  if (input) model.input = input;
  if (weights !== undefined) model.weights = weights;
  checkOutput(model, facts.classes, facts.targets, reporter);
  checkPenalties(model, regularizeBlock, reporter);
  model.memoryBytes = estimateMemory(model);
  checkLayerWeights(model, reporter);
  if (model.memoryBytes > MEMORY_WARNING_BYTES) {
    reporter.report(
      'DNN306',
      block.keyword,
      `expected training to fit in memory, found an estimate of ${gib(model.memoryBytes)} for batch ${train.batch}; lower \`batch\` or the layer sizes`,
    );
  }
  return model;
}

/** A layer whose float32 weights alone pass LAYER_WEIGHTS_WARNING_BYTES: said on the layer, with its count. */
function checkLayerWeights(model: CheckedModel, reporter: Reporter): void {
  for (const layer of model.layers) {
    if (!layer.weightShape) continue;
    const weights = shapeSize(layer.weightShape);
    if (weights * 4 <= LAYER_WEIGHTS_WARNING_BYTES) continue;
    reporter.report(
      'DNN306',
      layer.sizeToken ?? layer.statement.head,
      `expected the weights of \`${clip(layer.name)}\` to fit in ${gib(LAYER_WEIGHTS_WARNING_BYTES)}, found ${gib(weights * 4)} (${Number.isFinite(weights) && weights < 1e15 ? groupDigits(weights) : weights.toExponential(1)} float32 weights): make the layer or its input smaller`,
    );
  }
}

/** Bytes as GiB for a message: "2.5 GiB", or "3.1e+12 GiB" past what fixed notation reads well. */
function gib(bytes: number): string {
  const value = bytes / 1024 ** 3;
  if (!Number.isFinite(value)) return 'more than can be counted';
  return `${value < 1e6 ? value.toFixed(1) : value.toExponential(1)} GiB`;
}

function reportUnknownStatement(statement: StatementNode, reporter: Reporter): void {
  const head = statement.head;
  const home = head.text in REGULARIZE_SETTINGS ? 'regularize' : head.text in TRAIN_SETTINGS ? 'train' : undefined;
  const suggestion = home ? undefined : didYouMean(head.text, MODEL_WORDS);
  const hint = home ? `; \`${head.text}\` belongs in the \`${home}\` block` : suggestion ? `; did you mean \`${suggestion}\`?` : '';
  reporter.report('DNN110', head, `expected \`data\`, \`input\`, \`task\` or a layer (${LAYER_KIND_NAMES.join(', ')}), found \`${clip(head.text)}\`${hint}`, {
    ...(suggestion ? { fix: reporter.replace(`Change to \`${suggestion}\``, head, suggestion) } : {}),
  });
}

function readInput(statement: StatementNode, reporter: Reporter): Shape | undefined {
  const args = values(statement);
  const token = args[0]?.token;
  if (!token) {
    reporter.report('DNN208', statement.head, 'expected a size like 784 or a shape like 28x28x1 after `input`, found end of line');
    return undefined;
  }
  const extra = args[1];
  if (extra) reporter.report('DNN209', extra, `expected end of line after \`input ${clip(token.text)}\`, found ${describeToken(extra.token)}`);
  if (token.kind === 'number') {
    const n = readNumber(INPUT_SIZE, token, 'input', reporter);
    return n === undefined ? undefined : [n];
  }
  if (token.kind === 'shape' && token.dims) {
    if (token.dims.length === 3 && token.dims.every((d) => d >= 1)) return token.dims;
    if (token.dims.some((d) => d < 1)) {
      reporter.report('DNN211', token, `expected every dimension ≥ 1, found \`${clip(token.text)}\``);
      return undefined;
    }
    const fix = token.dims.length === 2 ? `${token.text}x1` : undefined;
    reporter.report(
      'DNN210',
      token,
      `expected a size like 784 or a shape like 28x28x1 (height x width x channels), found \`${clip(token.text)}\``,
      fix ? { fix: reporter.replace(`Change to ${fix}`, token, fix) } : {},
    );
    return undefined;
  }
  reporter.report('DNN210', token, `expected a size like 784 or a shape like 28x28x1, found ${describeToken(token)}`);
  return undefined;
}

/** `weights "FILE"`: the path as written (the trainer resolves it against the spec's folder, as data paths). */
function readWeights(statement: StatementNode, reporter: Reporter): string | undefined {
  const args = values(statement);
  const token = args[0]?.token;
  if (!token) {
    reporter.report('DNN208', statement.head, 'expected a quoted path like "model.safetensors" after `weights`, found end of line');
    return undefined;
  }
  if (args[1]) reporter.report('DNN209', args[1], `expected end of line after \`weights ${clip(token.text)}\`, found ${describeToken(args[1].token)}`);
  const path = readString({ type: 'string', doc: '', path: true }, token, 'weights', reporter);
  if (path === '') {
    reporter.report('DNN210', token, 'expected a path like "model.safetensors" for `weights`, found an empty string');
    return undefined;
  }
  return path;
}

function readTask(statement: StatementNode, reporter: Reporter): Task | undefined {
  const args = values(statement);
  const token = args[0]?.token;
  if (!token) {
    reporter.report('DNN208', statement.head, `expected ${listOf(Object.keys(TASKS))} after \`task\`, found end of line`);
    return undefined;
  }
  if (args[1]) reporter.report('DNN209', args[1], `expected end of line after \`task ${clip(token.text)}\`, found ${describeToken(args[1].token)}`);
  return readEnum({ type: 'enum', doc: '', values: TASKS }, token, 'task', reporter) as Task | undefined;
}

function checkLayerNames(written: WrittenLayer[], reporter: Reporter): void {
  const seen = new Map<string, WrittenLayer['layer']>();
  for (const { layer } of written) {
    const first = seen.get(layer.name);
    if (first) {
      const at = layer.nameToken ?? layer.statement.head;
      const firstAt = first.nameToken ?? first.statement.head;
      reporter.report(
        'DNN214',
        at,
        `expected a unique layer name, found \`${layer.name}\` again (first on line ${firstAt.range.start.line + 1}${first.named ? '' : ', named automatically'})`,
        {
          related: [{ message: `first layer named \`${layer.name}\``, at: firstAt }],
        },
      );
    } else {
      seen.set(layer.name, layer);
    }
  }
}

function checkOutput(model: CheckedModel, classes: number | undefined, targets: number | undefined, reporter: Reporter): void {
  const last = model.layers[model.layers.length - 1];
  if (!last?.outputShape) return;
  let expected: number | undefined;
  let why = '';
  if (model.task === 'classify' && classes !== undefined) {
    expected = classes;
    why = `one per class of \`${model.data?.kind}\``;
  } else if (model.task === 'regress' && targets !== undefined) {
    expected = targets;
    why = 'one per regression target';
  } else if (model.task === 'autoencode' && model.input) {
    expected = shapeSize(model.input);
    why = 'one per input value, to reconstruct the input';
  }
  if (last.outputShape.length !== 1) {
    reporter.report(
      'DNN305',
      last.statement.head,
      `expected the network to end in a flat output${expected ? ` of ${expected} values` : ''}, found ${formatShape(last.outputShape)}; end with \`flatten\` and a \`dense\` layer`,
    );
    return;
  }
  const size = last.outputShape[0]!;
  if (expected !== undefined && size !== expected) {
    reporter.report(
      'DNN305',
      last.sizeToken ?? last.statement.head,
      `expected the last layer to give ${expected} value${expected === 1 ? '' : 's'} (${why}), found ${size}`,
      {
        ...(last.kind === 'dense' && last.sizeToken ? { fix: reporter.replace(`Change to ${expected}`, last.sizeToken, String(expected)) } : {}),
      },
    );
  }
  if (model.task === 'classify' && last.activation === 'softmax') {
    const token = values(last.statement).find((v) => v.token.text === 'softmax');
    reporter.report(
      'DNN308',
      token ?? last.statement.head,
      'expected the last layer to give logits (linear), found `softmax`: the loss applies softmax itself',
      {
        ...(token ? { fix: reporter.replace('Remove `softmax`', { start: previousEnd(last.statement, token.start), end: token.end }, '') } : {}),
      },
    );
  }
}

function checkPenalties(model: CheckedModel, regularizeBlock: BlockNode | undefined, reporter: Reporter): void {
  const weighted = model.layers.filter((l) => LAYER_KINDS[l.kind].hasWeights);
  // Only worth saying about a spec that is otherwise sound: next to an error it is noise.
  if (weighted.length === 0 || reporter.hasErrors) return;
  if (!weighted.some((l) => hasPenalty(l.reg))) {
    reporter.report(
      'DNN220',
      regularizeBlock?.keyword ?? model.block.keyword,
      `expected a penalty to shrink the network (${listOf(PENALTY_SETTINGS)} above 0), found none: nothing pushes weights or neurons to zero, so little will be pruned`,
    );
  }
  checkDropoutTrap(model, regularizeBlock, reporter);
}

/** Float32 bytes for weights + gradients + two Adam slots, plus forward activations and their gradients for one batch. */
export function estimateMemory(model: CheckedModel): number {
  const activations = model.layers.reduce((sum, l) => sum + (l.outputShape ? shapeSize(l.outputShape) : 0), model.input ? shapeSize(model.input) : 0);
  return model.params * 4 * 4 + model.train.batch * activations * 4 * 2;
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function insertAfterHeader(block: BlockNode, line: string, reporter: Reporter) {
  const at = block.open ?? block.keyword;
  const headerLine = at.range.start.line;
  // `model m {}` on one line: the new line goes between the braces, inside the block.
  if (block.close && block.close.range.start.line === headerLine) {
    return reporter.replace(`Add \`${line}\``, { start: block.close.start, end: block.close.start }, `\n  ${line}\n`);
  }
  const insertAt = reporter.lines.lineStarts[headerLine + 1] ?? reporter.lines.text.length;
  const prefix = reporter.lines.lineStarts[headerLine + 1] === undefined ? '\n' : '';
  return reporter.replace(`Add \`${line}\``, { start: insertAt, end: insertAt }, `${prefix}  ${line}\n`);
}
