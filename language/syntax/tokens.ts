import type { LineMap, Range, Span } from './positions.ts';

export type TokenKind =
  | 'ident' // model, dense, fc1, lenet-300-100, sparse-regression
  | 'number' // 300, 0.5, 1e-4, -2
  | 'shape' // 28x28x1, 5x5
  | 'string' // "train-images.idx3-ubyte"
  | 'lbrace'
  | 'rbrace'
  | 'equals'
  | 'newline'
  | 'comment' // from # to the end of the line
  | 'invalid' // anything else: reported by the parser, never thrown
  | 'eof';

export interface Token extends Span {
  kind: TokenKind;
  /** The exact source text of the token. */
  text: string;
  readonly range: Range;
  /** Numeric value of a `number` token. */
  value?: number;
  /** Dimensions of a `shape` token. */
  dims?: number[];
  /** The unquoted content of a `string` token. */
  content?: string;
  /** A `string` token that reached the end of its line without a closing quote. */
  unterminated?: boolean;
}

/** Source text as a message quotes it: a long word is cut to its first characters (a message names it, it does not copy it). */
export function clip(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max - 3) + '...' : text;
}

/** How a token is named in "expected X, found Y" messages. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'end of file';
    case 'newline':
      return 'end of line';
    case 'comment':
      return 'a comment';
    default:
      return `\`${clip(token.text)}\``;
  }
}

/**
 * The scanner's token. Its range is computed on first use: most tokens never need one, and a
 * 5 000-line spec has ~60 000 tokens, so eager ranges were most of the parser's allocation.
 */
export class ScannedToken implements Token {
  // Declared, not initialised: a 1 MB line of punctuation is a million tokens, and each field set to undefined
  // would cost every one of them a slot. Most tokens never get a range or any of these.
  declare private cachedRange: Range | undefined;
  declare value?: number;
  declare dims?: number[];
  declare content?: string;
  declare unterminated?: boolean;

  constructor(
    readonly kind: TokenKind,
    readonly start: number,
    readonly end: number,
    readonly text: string,
    private readonly lines: LineMap,
  ) {}

  get range(): Range {
    return (this.cachedRange ??= this.lines.rangeOf(this));
  }

  toJSON(): object {
    return { kind: this.kind, text: this.text, start: this.start, end: this.end, range: this.range };
  }
}
