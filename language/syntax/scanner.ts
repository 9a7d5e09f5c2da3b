import { LineMap } from './positions.ts';
import { ScannedToken, type Token, type TokenKind } from './tokens.ts';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SHAPE = /^\d+(x\d+)+$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

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

/**
 * Splits a document into tokens. Total: any input gives a token list ending in `eof`;
 * anything unrecognised becomes an `invalid` token for the parser to report.
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
      let end = i + 1;
      let content = '';
      let closed = false;
      while (end < n) {
        const d = text.charCodeAt(end);
        if (d === 10 || d === 13) break;
        if (d === 34) {
          closed = true;
          end++;
          break;
        }
        if (d === 92 /* \ */ && end + 1 < n && (text[end + 1] === '"' || text[end + 1] === '\\')) {
          content += text[end + 1];
          end += 2;
          continue;
        }
        content += text[end];
        end++;
      }
      push('string', i, end, closed ? { content } : { content, unterminated: true });
      i = end;
    } else {
      let end = i;
      while (end < n && !isDelimiter(text.charCodeAt(end))) end++;
      const word = text.slice(i, end);
      if (NUMBER.test(word)) push('number', i, end, { value: Number(word) });
      else if (SHAPE.test(word)) push('shape', i, end, { dims: word.split('x').map(Number) });
      else if (IDENT.test(word)) push('ident', i, end);
      else push('invalid', i, end);
      i = end;
    }
  }
  push('eof', n, n);
  return tokens;
}
