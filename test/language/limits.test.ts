// The language core is linear and bounded: adversarial 1 MB lines of every token kind finish (no timing is
// asserted: these machines are shared; test/bench/language.bench.ts measures), a file of 100 000 mistakes keeps
// 500 diagnostics and says how many more there are, and a file past MAX_SPEC_LENGTH is refused whole.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyze,
  DATASETS,
  format,
  INPUT_SIZE,
  LAYER_KINDS,
  LAYER_SIZE,
  MAX_DIAGNOSTICS,
  MAX_SPEC_LENGTH,
  REGULARIZE_SETTINGS,
  TRAIN_SETTINGS,
  WINDOW_SIZE,
  type Analysis,
  type NumberSpec,
  type ValueSpec,
} from '../../language/index.ts';

const MB = 1024 * 1024;
const fill = (unit: string, length = MB): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** One adversarial line per token kind, each about 1 MB: the inputs that made a backtracking scanner quadratic. */
const LINES: Record<string, string> = {
  'digits then a letter': fill('1') + 'a',
  'digits only': fill('1'),
  'digits, a dot, digits, a letter': fill('1', MB / 2) + '.' + fill('2', MB / 2) + 'a',
  'an exponent run': '1e' + fill('5') + 'x',
  'signs and dots': fill('+-.'),
  'a shape then a letter': fill('1x') + '1a',
  'a shape with an empty dimension': fill('12x') + 'x1',
  'one long name': 'a' + fill('b-_9'),
  'a name glued to punctuation': fill('a@'),
  'a glued number': fill('9') + 'relu' + fill('@', 1000),
  'a long string with escapes': '"' + fill('\\"\\\\a') + '"',
  'an unterminated string': '"' + fill('abc\\'),
  'a comment': '# ' + fill('x # '),
  'open braces': fill('{'),
  'close braces': fill('}'),
  'equals signs': fill('='),
  options: fill(' x=1'),
  'duplicate options': fill(' l1=1'),
  values: fill(' 300'),
  'spaces and tabs': fill(' \t\f\v') + 'x',
  'carriage returns': fill('\r'),
  'mixed line breaks': fill('\r\n\n\r'),
  'non-ASCII': fill('é😀\uffff\u2028'),
};

/** Where the line goes: the top level, a layer line, a setting's value. */
const CONTEXTS: Record<string, (line: string) => string> = {
  'top level': (line) => line,
  'layer line': (line) => `model m {\n  data mnist\n  dense fc1 ${line}\n  dense out 10\n}\n`,
  'setting value': (line) => `model m {\n  data mnist\n  dense out 10\n}\ntrain {\n  epochs ${line}\n}\n`,
};

function assertBounded(analysis: Analysis, what: string): void {
  assert.ok(analysis.diagnostics.length <= MAX_DIAGNOSTICS + 1, `${what}: ${analysis.diagnostics.length} diagnostics`);
  for (const d of analysis.diagnostics) assert.ok(d.message.length <= 1000, `${what}: a ${d.code} message of ${d.message.length} characters`);
}

describe('1 MB adversarial lines finish (linear scanner, parser, checker and formatter)', () => {
  for (const [name, line] of Object.entries(LINES)) {
    it(name, () => {
      // The whole megabyte on a layer line (scanner, parser, checker, formatter), and its first 64 KB elsewhere.
      for (const [where, wrap] of Object.entries(CONTEXTS)) {
        const text = wrap(where === 'layer line' ? line : line.slice(0, 64 * 1024));
        assertBounded(analyze(text), `${name} (${where})`);
        format(text);
      }
    });
  }

  it('a spec of 20 000 layers with long option lists', () => {
    const layer = `  dense ${'x=1 '.repeat(20)}${'l1=1 '.repeat(20)}10\n`;
    const text = `model m {\n  data mnist\n${layer.repeat(Math.floor((MB - 100) / layer.length))}}\n`;
    assertBounded(analyze(text), 'long option lists');
    format(text);
  });
});

describe('diagnostics per document are capped', () => {
  it(`keeps ${MAX_DIAGNOSTICS} and counts the rest in one final DNN310`, () => {
    const analysis = analyze('}\n'.repeat(MAX_DIAGNOSTICS + 234));
    assert.equal(analysis.diagnostics.length, MAX_DIAGNOSTICS + 1);
    const last = analysis.diagnostics.at(-1)!;
    assert.equal(last.code, 'DNN310');
    assert.match(last.message, /found 234 more, not shown \(from line 501 on\)/);
    assert.equal(last.range.start.line, MAX_DIAGNOSTICS);
    assert.ok(analysis.hasErrors);
  });

  it('keeps errors before warnings, and the spec still counts as having errors', () => {
    const warnings = '  dense 10 l1=5000\n'.repeat(MAX_DIAGNOSTICS + 50);
    const analysis = analyze(`model m {\n  data mnist\n${warnings}  dense 10 reluu\n}\n`);
    const codes = analysis.diagnostics.map((d) => d.code);
    assert.ok(codes.includes('DNN201'), 'the error after 550 warnings is kept');
    assert.equal(codes.at(-1), 'DNN310');
    assert.equal(analysis.diagnostics.length, MAX_DIAGNOSTICS + 1);
    assert.ok(analysis.hasErrors);
  });

  it('a syntax error past the limit still silences the checker on its line', () => {
    const analysis = analyze(`model m {\n  data mnist\n${'  dense 10 @\n'.repeat(MAX_DIAGNOSTICS + 10)}}\n`);
    assert.deepEqual(new Set(analysis.diagnostics.map((d) => d.code)), new Set(['DNN101', 'DNN310']));
  });
});

describe(`a spec longer than ${MAX_SPEC_LENGTH} characters`, () => {
  const spec = (length: number): string => {
    const head = 'model m {\n  data mnist\n  dense out 10\n}\n';
    return head + fill('# padding to the limit\n', length - head.length);
  };

  it('is read up to the limit', () => {
    const analysis = analyze(spec(MAX_SPEC_LENGTH));
    assert.ok(analysis.model, 'a model');
    assert.deepEqual(
      analysis.diagnostics.map((d) => d.code),
      ['DNN220'],
    );
  });

  it('past it, is not read: one DNN309, no tokens, no model; the formatter refuses it', () => {
    const text = spec(MAX_SPEC_LENGTH + 1);
    const analysis = analyze(text);
    assert.deepEqual(
      analysis.diagnostics.map((d) => d.code),
      ['DNN309'],
    );
    assert.match(analysis.diagnostics[0]!.message, /^expected a spec of at most 2 MB \(2 097 152 characters\), found 2\.0 MB \(2 097 153 characters\)/);
    assert.deepEqual(analysis.diagnostics[0]!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 9 } });
    assert.equal(analysis.model, undefined);
    assert.deepEqual(
      analysis.tokens.map((t) => t.kind),
      ['eof'],
    );
    assert.ok(analysis.hasErrors);
    const formatted = format(text);
    assert.ok(!formatted.ok && /DNN309/.test(formatted.reason));
  });
});

describe('every number in the vocabulary has a legal and a sensible range', () => {
  const numbers: [string, NumberSpec][] = [];
  const add = (where: string, table: Readonly<Record<string, ValueSpec>>): void => {
    for (const [k, s] of Object.entries(table)) if (s.type === 'number') numbers.push([`${where} ${k}`, s]);
  };
  add('regularize', REGULARIZE_SETTINGS);
  add('train', TRAIN_SETTINGS);
  for (const [kind, spec] of Object.entries(LAYER_KINDS)) add(kind, spec.options);
  for (const [name, spec] of Object.entries(DATASETS)) add(`data ${name}`, spec.options);
  numbers.push(['layer size', LAYER_SIZE], ['window size', WINDOW_SIZE], ['input size', INPUT_SIZE]);

  for (const [name, spec] of numbers) {
    it(name, () => {
      assert.notEqual(spec.min, undefined, 'a legal minimum');
      const closed = spec.min !== undefined && spec.max !== undefined;
      const fraction = spec.countOrFraction?.sensibleFraction;
      assert.ok(closed || spec.sensible || fraction, 'a sensible range where the legal one is open');
      const { min, max } = spec.sensible ?? {};
      if (fraction) {
        // A count or a fraction: the bound is on the fraction, below 1; a count is legal from 1 up.
        assert.ok(fraction.value > 0 && fraction.value < 1 && fraction.why.length > 10, 'a fraction bound in (0, 1), with a reason');
        assert.equal(analyzeValue(name, fraction.value), undefined);
        assert.match(analyzeValue(name, (fraction.value + 1) / 2) ?? '', /as a fraction/);
      }
      for (const bound of [min, max]) {
        if (!bound) continue;
        assert.ok(bound.value >= spec.min! && (spec.max === undefined || bound.value <= spec.max), `the sensible bound ${bound.value} inside the legal range`);
        assert.ok(bound.why.length > 10, 'a reason');
      }
      // The sensible bound itself is fine: the quick fix that moves a value to it removes the warning.
      for (const bound of [min, max]) if (bound) assert.equal(analyzeValue(name, bound.value), undefined);
    });
  }
});

/** The DNN223 of `value` in the regularize or train block (the other settings are covered by the golden fixtures). */
function analyzeValue(name: string, value: number): string | undefined {
  const [block, key] = name.split(' ');
  if (block !== 'regularize' && block !== 'train') return undefined;
  const text = `model m {\n  data mnist\n  dense out 10\n}\n${block} {\n  ${key} ${value}\n}\n`;
  return analyze(text).diagnostics.find((d) => d.code === 'DNN223')?.message;
}
