import { PENALTY_SETTINGS, PENALTY_TERMS, perPenalty } from '../penalties.ts';
import type { Reporter } from '../report.ts';
import { didYouMean, listOf } from '../suggest.ts';
import { clip, describeToken, type Token } from '../syntax/tokens.ts';
import { values, type StatementNode } from '../syntax/tree.ts';
import { ACTIVATIONS, LAYER_KINDS, LAYER_SIZE, WINDOW_SIZE, isOneOf, type Activation, type ArgumentSlot, type LayerKind } from '../vocabulary.ts';
import type { CheckedLayer, GlobalRegularization, Shape } from './model.ts';
import { formatShape, shapeSize } from './model.ts';
import { readOptions, reportExtraValues } from './options.ts';
import { readNumber } from './values.ts';

const SLOT_WORDS: Record<ArgumentSlot, string> = {
  units: 'the number of units (a whole number ≥ 1)',
  filters: 'the number of filters (a whole number ≥ 1)',
  kernel: 'a kernel size like 5x5',
  window: 'a window size like 2x2',
  activation: `an activation (${Object.keys(ACTIVATIONS).join(', ')})`,
};

/** A layer as written: its arguments read, before shapes are known. */
export interface WrittenLayer {
  layer: CheckedLayer;
  options: Record<string, number | string>;
}

/** Which positional value fills which slot of a layer: what the checker reads, and what completion offers next. */
export interface SlotAssignment {
  /** A leading name: the first value, when it is a bare word. */
  name?: Token;
  filled: { slot: ArgumentSlot; token: Token }[];
  /** The first slot left empty, which the next positional value would fill; absent when every slot is filled. */
  next?: { slot: ArgumentSlot; required: boolean };
  /** Values taken, the name included; any after these are extra. */
  used: number;
}

/**
 * Assigns a layer's positional values to `LAYER_KINDS[kind].slots`: an optional leading name, then the
 * slots in order. Pure and total; `tokens` may be a prefix of the line (completion passes those before the cursor).
 */
export function assignSlots(kind: LayerKind, tokens: readonly Token[]): SlotAssignment {
  const slots = LAYER_KINDS[kind].slots;
  const result: SlotAssignment = { filled: [], used: 0 };
  if (tokens[0]?.kind === 'ident') {
    result.name = tokens[0];
    result.used = 1;
  }
  for (const { slot, required } of slots) {
    const token = tokens[result.used];
    if (!token) {
      result.next = { slot, required };
      break;
    }
    result.filled.push({ slot, token });
    result.used++;
  }
  return result;
}

/** Reads `KIND [NAME] positional... key=value...` against the layer kind's table. */
export function readLayer(statement: StatementNode, kind: LayerKind, autoName: string, index: number, reporter: Reporter): WrittenLayer {
  const spec = LAYER_KINDS[kind];
  const args = values(statement);
  const assigned = assignSlots(
    kind,
    args.map((a) => a.token),
  );
  const nameToken = assigned.name;
  // Built once with a fixed shape and never spread: layers are read in hot loops by every feature.
  const layer: CheckedLayer = {
    index,
    name: nameToken?.text ?? autoName,
    named: nameToken !== undefined,
    kind,
    statement,
    activation: 'linear',
    params: 0,
    reg: NO_REGULARIZATION,
  };
  if (nameToken) layer.nameToken = nameToken;
  const written = (): string => `\`${[kind, ...args.slice(0, assigned.used).map((a) => clip(a.token.text))].join(' ')}\``;
  for (const { slot, token } of assigned.filled) readSlot(layer, slot, token, reporter);
  if (assigned.next?.required) {
    reporter.report('DNN208', statement, `expected ${SLOT_WORDS[assigned.next.slot]} after ${written()}, found end of line`);
  }
  reportExtraValues(statement, assigned.used, written(), reporter);
  const ignored = spec.hasWeights ? [] : PENALTY_SETTINGS;
  const opts = readOptions(statement, spec.options, kind, reporter, ignored);
  for (const required of 'requiredOptions' in spec ? spec.requiredOptions : []) {
    if (opts[required] === undefined && !statement.args.some((a) => a.kind === 'option' && a.key.text === required)) {
      reporter.report('DNN208', statement, `expected \`${required}=\` on \`${kind}\`, found none`, {
        fix: reporter.replace(`Add \`${required}=0.5\``, { start: statement.end, end: statement.end }, ` ${required}=0.5`),
      });
    }
  }
  if (typeof opts.stride === 'number') layer.stride = opts.stride;
  if (opts.padding === 'same' || opts.padding === 'valid') layer.padding = opts.padding;
  if (kind === 'lrn') {
    const o = opts;
    const opt = (key: 'radius' | 'bias' | 'alpha' | 'beta'): number => (typeof o[key] === 'number' ? (o[key] as number) : LAYER_KINDS.lrn.options[key].default);
    layer.lrn = { radius: opt('radius'), bias: opt('bias'), alpha: opt('alpha'), beta: opt('beta') };
  }
  return { layer, options: opts };
}

const NO_REGULARIZATION = Object.freeze({ ...perPenalty(() => 0), keepProb: 1 });

function readSlot(layer: CheckedLayer, slot: ArgumentSlot, token: Token, reporter: Reporter): void {
  switch (slot) {
    case 'units':
    case 'filters': {
      // The fix in the user's words: "Give `fc1` 1 unit", "Give `c1` 8 filters" (it read "Change to 1").
      const who = layer.named ? `\`${layer.name}\`` : 'the layer';
      const noun = slot === 'units' ? 'unit' : 'filter';
      const value = readNumber(LAYER_SIZE, token, slot, reporter, (n) => `Give ${who} ${n} ${noun}${n === '1' ? '' : 's'}`);
      layer.sizeToken = token;
      if (value !== undefined) layer[slot] = value;
      return;
    }
    case 'kernel':
    case 'window': {
      const size = readWindow(token, slot, reporter);
      if (size) layer.kernel = size;
      return;
    }
    case 'activation': {
      if (token.kind === 'ident' && isOneOf<Activation>(token.text, ACTIVATIONS)) {
        layer.activation = token.text;
        return;
      }
      const names = Object.keys(ACTIVATIONS);
      const suggestion = token.kind === 'ident' ? didYouMean(token.text, names) : undefined;
      reporter.report(
        token.kind === 'ident' ? 'DNN201' : 'DNN210',
        token,
        `expected an activation (${listOf(names)}), found ${describeToken(token)}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        suggestion ? { fix: reporter.replace(`Change to \`${suggestion}\``, token, suggestion) } : {},
      );
    }
  }
}

function readWindow(token: Token, slot: 'kernel' | 'window', reporter: Reporter): [number, number] | undefined {
  if (token.kind === 'number' && token.value !== undefined) {
    const k = readNumber(WINDOW_SIZE, token, slot, reporter);
    return k === undefined ? undefined : [k, k];
  }
  if (token.kind === 'shape' && token.dims?.length === 2) {
    if (token.dims.some((d) => d < 1)) {
      reporter.report('DNN211', token, `expected a ${slot} of at least 1x1, found \`${clip(token.text)}\``);
      return undefined;
    }
    return [token.dims[0]!, token.dims[1]!];
  }
  const fix = token.kind === 'shape' && token.dims && token.dims.length > 2 ? `${token.dims[0]}x${token.dims[1]}` : undefined;
  reporter.report(
    'DNN210',
    token,
    `expected ${SLOT_WORDS[slot]}, found ${describeToken(token)}`,
    fix ? { fix: reporter.replace(`Change to \`${fix}\``, token, fix) } : {},
  );
  return undefined;
}

/**
 * Walks the layers in order, computing each one's input and output shape, parameter count and
 * effective regularization. After a shape error the following shapes are unknown (not guessed),
 * so one mistake gives one diagnostic.
 */
export function resolveLayers(
  written: WrittenLayer[],
  input: Shape | undefined,
  inputToken: Token | undefined,
  global: GlobalRegularization,
  reporter: Reporter,
): CheckedLayer[] {
  let shape = input;
  // Until a layer other than dropout appears, a shape error can be fixed by changing `input`.
  let inputStillApplies = true;
  return written.map((w, index) => {
    const layer = w.layer;
    layer.reg = effectiveReg(w, index === written.length - 1, global);
    if (shape) layer.inputShape = shape;
    shape = shape && outputShape(layer, w.options, shape, inputStillApplies ? inputToken : undefined, reporter);
    if (layer.kind !== 'dropout') inputStillApplies = false;
    if (shape) layer.outputShape = shape;
    return layer;
  });
}

function effectiveReg(w: WrittenLayer, isLast: boolean, global: GlobalRegularization): CheckedLayer['reg'] {
  const o = w.options;
  const num = (key: string): number | undefined => (typeof o[key] === 'number' ? (o[key] as number) : undefined);
  const kind = w.layer.kind;
  // A layer with weights takes each term's option, else the `regularize` strength; conv layers opt in to the
  // terms marked so (DropNeuron's channel groups). A layer without weights has no penalty.
  const strengths = perPenalty((t) => {
    if (!LAYER_KINDS[kind].hasWeights) return 0;
    const { setting, conv } = PENALTY_TERMS[t];
    return num(setting) ?? (kind === 'conv' && conv === 'opt-in' ? 0 : global[t]);
  });
  switch (kind) {
    case 'dense':
      return { ...strengths, keepProb: num('keep_prob') ?? (isLast ? 1 : global.keepProb) };
    case 'dropout':
      return { ...strengths, keepProb: num('keep_prob') ?? 1 };
    default:
      return { ...strengths, keepProb: 1 };
  }
}

function outputShape(
  layer: CheckedLayer,
  options: WrittenLayer['options'],
  shape: Shape,
  inputToken: Token | undefined,
  reporter: Reporter,
): Shape | undefined {
  const head = layer.statement.head;
  switch (layer.kind) {
    case 'dense': {
      let flat = shape;
      if (shape.length !== 1) {
        const line = layer.statement.range.start.line;
        const lineStart = reporter.lines.lineStarts[line]!;
        const indent = reporter.lines.text.slice(lineStart, layer.statement.start);
        reporter.report('DNN302', head, `expected a flat input for \`dense\`, found ${formatShape(shape)}; insert \`flatten\` before it`, {
          fix: reporter.replace('Insert `flatten` before this layer', { start: lineStart, end: lineStart }, `${/^\s*$/.test(indent) ? indent : '  '}flatten\n`),
        });
        flat = [shapeSize(shape)];
      }
      if (layer.units === undefined) return undefined;
      layer.weightShape = [flat[0]!, layer.units];
      layer.params = flat[0]! * layer.units + layer.units;
      return [layer.units];
    }
    case 'flatten':
      if (shape.length === 1) {
        reporter.report('DNN221', head, `expected an image-shaped input for \`flatten\`, found the flat ${formatShape(shape)}: it does nothing`, {
          fix: reporter.deleteLines('Remove this `flatten`', layer.statement.range.start.line, layer.statement.range.end.line),
        });
      }
      return [shapeSize(shape)];
    case 'dropout':
      // Only a `keep_prob=1` as written: an invalid one (`keep_prob=0`) has been reported and falls back to 1.
      if (options.keep_prob === 1) {
        reporter.report('DNN221', head, 'expected `keep_prob` below 1 for `dropout`, found 1: it does nothing', {
          fix: reporter.deleteLines('Remove this `dropout`', layer.statement.range.start.line, layer.statement.range.end.line),
        });
      }
      return shape;
    case 'conv':
    case 'maxpool':
    case 'avgpool':
    case 'lrn': {
      if (shape.length !== 3) {
        const side = Math.round(Math.sqrt(shape[0]!));
        const fix =
          inputToken && side * side === shape[0] ? { fix: reporter.replace(`Change the input to ${side}x${side}x1`, inputToken, `${side}x${side}x1`) } : {};
        reporter.report('DNN301', head, `expected a 3-D input like 28x28x1 for \`${layer.kind}\`, found the flat ${formatShape(shape)}`, fix);
        return undefined;
      }
      if (layer.kind === 'lrn') return shape;
      if (!layer.kernel) return undefined;
      const [h, w, c] = shape as [number, number, number];
      const [kh, kw] = layer.kernel;
      if (kh > h || kw > w) {
        reporter.report(
          'DNN303',
          layer.statement,
          `expected a ${layer.kind === 'conv' ? 'kernel' : 'window'} no larger than the ${h}x${w} input, found ${kh}x${kw}`,
        );
        return undefined;
      }
      const stride = layer.stride ?? (layer.kind === 'conv' ? 1 : kh);
      const padding = layer.padding ?? 'same';
      const out = (size: number, k: number): number => (padding === 'same' ? Math.ceil(size / stride) : Math.ceil((size - k + 1) / stride));
      if (layer.kind === 'conv') {
        if (layer.filters === undefined) return undefined;
        layer.weightShape = [kh, kw, c, layer.filters];
        layer.params = kh * kw * c * layer.filters + layer.filters;
        return [out(h, kh), out(w, kw), layer.filters];
      }
      return [out(h, kh), out(w, kw), c];
    }
  }
}
