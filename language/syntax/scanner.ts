import { LineMap } from './positions.ts';
import { ScannedToken, type Token, type TokenKind } from './tokens.ts';

/** Characters that end a bare word: white space and the language's punctuation. */
function isDelimiter(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 12 ||
    c === 11 ||
    c === 123 /* { */ ||
    c === 125 /* } */ ||
    c === 61 /* = */ ||
    c === 35 /* # */ ||
    c === 34 /* " */
  );
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; /* _ */

/** The end of the run of digits starting at `i`. */
function digitsEnd(text: string, i: number, end: number): number {
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  return i;
}

/**
 * What a bare word is, in one left-to-right pass (a backtracking regular expression was quadratic on a long run
 * of digits followed by a letter):
 * - number: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
 * - shape: `digits (x digits)+`
 * - ident: `[A-Za-z_] [A-Za-z0-9_-]*`
 */
export function classifyWord(text: string, start: number, end: number): 'number' | 'shape' | 'ident' | 'invalid' {
  const first = text.charCodeAt(start);
  if (isLetter(first)) {
    for (let i = start + 1; i < end; i++) {
      const c = text.charCodeAt(i);
      if (!(isLetter(c) || isDigit(c) || c === 45 /* - */)) return 'invalid';
    }
    return 'ident';
  }
  const signed = first === 43 /* + */ || first === 45; /* - */
  let i = signed ? start + 1 : start;
  const intEnd = digitsEnd(text, i, end);
  const intDigits = intEnd - i;
  i = intEnd;
  if (i === end) return intDigits > 0 ? 'number' : 'invalid';
  if (!signed && intDigits > 0 && text.charCodeAt(i) === 120 /* x */) {
    // An unsigned run of digits then `x`: a shape or nothing.
    while (i < end && text.charCodeAt(i) === 120) {
      const dimEnd = digitsEnd(text, i + 1, end);
      if (dimEnd === i + 1) return 'invalid';
      i = dimEnd;
    }
    return i === end ? 'shape' : 'invalid';
  }
  let fracDigits = 0;
  if (text.charCodeAt(i) === 46 /* . */) {
    const fracEnd = digitsEnd(text, i + 1, end);
    fracDigits = fracEnd - i - 1;
    i = fracEnd;
  }
  if (intDigits === 0 && fracDigits === 0) return 'invalid';
  if (i < end && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69) /* e E */) {
    i++;
    if (i < end && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
    const expEnd = digitsEnd(text, i, end);
    if (expEnd === i) return 'invalid';
    i = expEnd;
  }
  return i === end ? 'number' : 'invalid';
}

/** Dimensions of a shape word (`28x28x1` → [28, 28, 1]). */
function shapeDims(word: string): number[] {
  return word.split('x').map(Number);
}

/**
 * Splits a document into tokens. Total and linear in the length of the text: any input gives a token list
 * ending in `eof`; anything unrecognised becomes an `invalid` token for the parser to report.
 */
export function scan(text: string, lines: LineMap = new LineMap(text)): Token[] {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, start: number, end: number, extra?: Partial<Token>): void => {
    const token = new ScannedToken(kind, start, end, text.slice(start, end), lines);
    if (extra) Object.assign(token, extra);
    tokens.push(token);
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 12 || c === 11) {
      i++;
    } else if (c === 10 || c === 13) {
      const end = c === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
      push('newline', i, end);
      i = end;
    } else if (c === 35 /* # */) {
      let end = i;
      while (end < n && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
      push('comment', i, end);
      i = end;
    } else if (c === 123) {
      push('lbrace', i, i + 1);
      i++;
    } else if (c === 125) {
      push('rbrace', i, i + 1);
      i++;
    } else if (c === 61) {
      push('equals', i, i + 1);
      i++;
    } else if (c === 34 /* " */) {
      // The content is collected as slices between escapes, not character by character.
      const parts: string[] = [];
      let from = i + 1;
      let end = i + 1;
      let closed = false;
      while (end < n) {
        const d = text.charCodeAt(end);
        if (d === 10 || d === 13) break;
        if (d === 34) {
          closed = true;
          break;
        }
        if (d === 92 /* \ */ && end + 1 < n && (text.charCodeAt(end + 1) === 34 || text.charCodeAt(end + 1) === 92)) {
          parts.push(text.slice(from, end), text[end + 1]!);
          end += 2;
          from = end;
          continue;
        }
        end++;
      }
      parts.push(text.slice(from, end));
      const content = parts.length === 1 ? parts[0]! : parts.join('');
      if (closed) end++;
      push('string', i, end, closed ? { content } : { content, unterminated: true });
      i = end;
    } else {
      let end = i;
      while (end < n && !isDelimiter(text.charCodeAt(end))) end++;
      const kind = classifyWord(text, i, end);
      if (kind === 'number') push('number', i, end, { value: Number(text.slice(i, end)) });
      else if (kind === 'shape') push('shape', i, end, { dims: shapeDims(text.slice(i, end)) });
      else push(kind, i, end);
      i = end;
    }
  }
  push('eof', n, n);
  return tokens;
}
