import type { Reporter } from '../report.ts';
import { didYouMean, listOf } from '../suggest.ts';
import { clip, describeToken, type Token } from '../syntax/tokens.ts';
import { describeRange, numberFault, sensibleFault, type EnumSpec, type NumberSpec, type StringSpec, type ValueSpec } from '../vocabulary.ts';

/** Compact number text for fixes and messages: 0.0001 stays as written by JS, 60000 as is. */
function numberText(n: number): string {
  return String(n);
}

/**
 * A number setting or slot, checked against its spec: a value out of range or not whole is a diagnostic whose fix
 * writes the nearest good one, titled `fixTitle(value)` ("Change to 1" unless the caller says it in the user's words).
 */
export function readNumber(
  spec: NumberSpec,
  token: Token,
  what: string,
  reporter: Reporter,
  fixTitle: (value: string) => string = (value) => `Change to ${value}`,
): number | undefined {
  if (token.kind !== 'number' || token.value === undefined || !Number.isFinite(token.value)) {
    reporter.report('DNN210', token, `expected ${describeRange(spec)} for \`${what}\`, found ${describeToken(token)}`);
    return undefined;
  }
  const value = token.value;
  const fault = numberFault(spec, value);
  if (fault === 'integer') {
    const rounded = Math.min(spec.max ?? Infinity, Math.max(spec.min ?? -Infinity, Math.round(value)));
    const expected = spec.countOrFraction ? 'a whole number (a count) or a fraction below 1' : 'a whole number';
    reporter.report('DNN212', token, `expected ${expected} for \`${what}\`, found \`${clip(token.text)}\``, {
      fix: reporter.replace(fixTitle(numberText(rounded)), token, numberText(rounded)),
    });
    return undefined;
  }
  if (fault === 'range') {
    const above = spec.max !== undefined && value > spec.max;
    const clamped = above ? spec.max! : spec.minExclusive ? (spec.fallback ?? spec.max ?? spec.min!) : spec.min!;
    reporter.report('DNN211', token, `expected ${describeRange(spec)} for \`${what}\`, found \`${clip(token.text)}\``, {
      fix: reporter.replace(fixTitle(numberText(clamped)), token, numberText(clamped)),
    });
    return undefined;
  }
  const unsound = sensibleFault(spec, value);
  if (unsound) {
    const { side, bound, fraction } = unsound;
    reporter.report(
      'DNN223',
      token,
      `expected \`${what}\` ${side === 'max' ? '≤' : '≥'} ${numberText(bound.value)}${fraction ? ' as a fraction (or a whole count)' : ''}, found \`${clip(token.text)}\`: ${bound.why}`,
      {
        fix: reporter.replace(fixTitle(numberText(bound.value)), token, numberText(bound.value)),
      },
    );
  }
  return value;
}

/** A number, or one of the words the setting takes instead (`dropneuron auto`): the word as written. */
export function readNumberOrWord(spec: NumberSpec, token: Token, what: string, reporter: Reporter): number | string | undefined {
  const words = Object.keys(spec.words ?? {});
  if (token.kind !== 'ident') return readNumber(spec, token, what, reporter);
  if (words.includes(token.text)) return token.text;
  return unknownWord('DNN210', token, describeRange(spec), words, what, reporter);
}

export function readEnum(spec: EnumSpec, token: Token, what: string, reporter: Reporter): string | undefined {
  const names = Object.keys(spec.values);
  if (token.kind === 'ident' && names.includes(token.text)) return token.text;
  return unknownWord('DNN203', token, listOf(names), names, what, reporter);
}

/** A token where one of `names` (or what `expected` says) belongs: `code`, with a "did you mean" fix when a name is near. */
function unknownWord(code: 'DNN203' | 'DNN210', token: Token, expected: string, names: readonly string[], what: string, reporter: Reporter): undefined {
  const suggestion = token.kind === 'ident' ? didYouMean(token.text, names) : undefined;
  reporter.report(
    code,
    token,
    `expected ${expected} for \`${what}\`, found ${describeToken(token)}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
    suggestion ? { fix: reporter.replace(`Change to \`${suggestion}\``, token, suggestion) } : {},
  );
  return undefined;
}

export function readString(spec: StringSpec, token: Token, what: string, reporter: Reporter): string | undefined {
  if (token.kind === 'string') return token.content ?? '';
  if (spec.bare && (token.kind === 'ident' || token.kind === 'number')) return token.text;
  reporter.report('DNN210', token, `expected a quoted path like "file" for \`${what}\`, found ${describeToken(token)}`, {
    fix: reporter.replace('Quote it', token, JSON.stringify(token.text)),
  });
  return undefined;
}

export function readValue(spec: ValueSpec, token: Token, what: string, reporter: Reporter): number | string | undefined {
  switch (spec.type) {
    case 'number':
      return spec.words ? readNumberOrWord(spec, token, what, reporter) : readNumber(spec, token, what, reporter);
    case 'enum':
      return readEnum(spec, token, what, reporter);
    case 'string':
      return readString(spec, token, what, reporter);
  }
}
