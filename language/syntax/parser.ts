import type { Diagnostic } from '../diagnostics.ts';
import { Reporter } from '../report.ts';
import { didYouMean, listOf } from '../suggest.ts';
import { BLOCK_KEYWORDS } from '../vocabulary.ts';
import { LineMap, type Range, type Span } from './positions.ts';
import { classifyWord, scan } from './scanner.ts';
import { clip, describeToken, ScannedToken, type Token } from './tokens.ts';
import type { ArgNode, BlockNode, DocumentNode, OptionArg, StatementNode, ValueArg } from './tree.ts';

export interface ParseResult {
  text: string;
  lines: LineMap;
  /** All tokens, comments included, ending with `eof`. */
  tokens: Token[];
  tree: DocumentNode;
  /** At most MAX_DIAGNOSTICS; `omitted` counts the rest. */
  diagnostics: Diagnostic[];
  /** Lines with a syntax error, whether its diagnostic was kept or omitted. */
  brokenLines: ReadonlySet<number>;
  /** Syntax errors past the limit, not kept, and where the first of them was. */
  omitted: number;
  firstOmitted?: Span;
}

/** The largest spec the language reads, in characters (UTF-16 code units): 2 MiB. Past it, a spec is refused whole. */
export const MAX_SPEC_LENGTH = 2 * 1024 * 1024;

const MB = 1024 * 1024;

/**
 * Recursive-descent parser for `.dnn`. Never throws, and takes time linear in the text: on a syntax error it
 * reports one diagnostic and resumes at the next line or `}`, so one typo gives one error. A text longer
 * than MAX_SPEC_LENGTH is not read at all: it gets one DNN309.
 */
export function parse(text: string): ParseResult {
  const lines = new LineMap(text);
  const reporter = new Reporter(lines);
  if (text.length > MAX_SPEC_LENGTH) {
    reporter.report(
      'DNN309',
      { start: 0, end: lines.lineEnd(0) },
      `expected a spec of at most ${MAX_SPEC_LENGTH / MB} MB (${groupDigits(MAX_SPEC_LENGTH)} characters), found ${(text.length / MB).toFixed(1)} MB (${groupDigits(text.length)} characters): DropNeuron specs are source text, so this file is not read`,
    );
    const eof = new ScannedToken('eof', text.length, text.length, '', lines);
    const tree: DocumentNode = { kind: 'document', blocks: [], comments: [], start: 0, end: text.length, range: lines.rangeOf({ start: 0, end: text.length }) };
    return { text, lines, tokens: [eof], tree, diagnostics: reporter.diagnostics, brokenLines: reporter.reportedLines, omitted: 0 };
  }
  const tokens = scan(text, lines);
  const tree = new Parser(
    tokens.filter((t) => t.kind !== 'comment'),
    reporter,
  ).parseDocument(text.length);
  tree.comments = tokens.filter((t) => t.kind === 'comment');
  const result: ParseResult = { text, lines, tokens, tree, diagnostics: reporter.diagnostics, brokenLines: reporter.reportedLines, omitted: reporter.omitted };
  if (reporter.firstOmitted) result.firstOmitted = reporter.firstOmitted;
  return result;
}

function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

const VALUE_KINDS = new Set(['ident', 'number', 'shape', 'string']);

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly reporter: Reporter,
  ) {}

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private atLineEnd(): boolean {
    const kind = this.peek().kind;
    return kind === 'newline' || kind === 'eof';
  }

  /** Skips the rest of a line; inside a block a `}` also ends the skip so the block can close. */
  private skipLine(stopAtBrace: boolean): void {
    while (!this.atLineEnd() && !(stopAtBrace && this.peek().kind === 'rbrace')) this.pos++;
  }

  private lineHasBrace(): boolean {
    for (let i = this.pos; i < this.tokens.length; i++) {
      const kind = this.tokens[i]!.kind;
      if (kind === 'lbrace') return true;
      if (kind === 'newline' || kind === 'eof' || kind === 'rbrace') return false;
    }
    return false;
  }

  parseDocument(length: number): DocumentNode {
    const blocks: BlockNode[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'eof') break;
      if (token.kind === 'newline') {
        this.next();
      } else if (token.kind === 'ident') {
        const block = this.parseBlock();
        if (block) blocks.push(block);
      } else if (token.kind === 'rbrace') {
        this.reporter.report('DNN106', token, 'expected a block keyword, found `}` with no open block', {
          fix: this.reporter.replace('Remove `}`', token, ''),
        });
        this.next();
      } else {
        this.reportUnknownBlock(token);
        this.skipLine(false);
      }
    }
    return { kind: 'document', blocks, comments: [], start: 0, end: length, range: this.reporter.lines.rangeOf({ start: 0, end: length }) };
  }

  private reportUnknownBlock(token: Token): void {
    const suggestion = token.kind === 'ident' ? didYouMean(token.text, BLOCK_KEYWORDS) : undefined;
    this.reporter.report(
      'DNN103',
      token,
      `expected ${listOf(BLOCK_KEYWORDS)}, found ${describeToken(token)}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
      suggestion ? { fix: this.reporter.replace(`Change to \`${suggestion}\``, token, suggestion) } : {},
    );
  }

  private parseBlock(): BlockNode | undefined {
    const keyword = this.peek();
    const known = (BLOCK_KEYWORDS as readonly string[]).includes(keyword.text);
    if (!known && !this.lineHasBrace()) {
      // A stray statement at the top level: report it and drop the line, not a block's worth.
      this.reportUnknownBlock(keyword);
      this.skipLine(false);
      return undefined;
    }
    this.next();
    if (!known) this.reportUnknownBlock(keyword);
    const header: Token[] = [];
    while (!this.atLineEnd() && this.peek().kind !== 'lbrace' && this.peek().kind !== 'rbrace') header.push(this.next());
    const block: BlockNode = { kind: 'block', keyword, header, statements: [], start: keyword.start, end: keyword.end, range: keyword.range };
    if (known) this.checkHeader(block);
    if (this.peek().kind === 'lbrace') {
      block.open = this.next();
    } else {
      const found = this.peek();
      const after = keyword.text === 'model' && header[0] ? `\`model ${clip(header[0].text)}\`` : `\`${clip(keyword.text)}\``;
      const at = header.length ? header[header.length - 1]! : keyword;
      this.reporter.report(
        'DNN104',
        found.kind === 'newline' || found.kind === 'eof' ? at : found,
        `expected \`{\` after ${after}, found ${describeToken(found)}`,
        {
          // After an unterminated string, a `{` would land inside it: the fix closes the string first.
          fix: this.reporter.replace('Insert `{`', { start: at.end, end: at.end }, at.kind === 'string' && at.unterminated ? `${closingQuote(at)} {` : ' {'),
        },
      );
      // Recover by reading the lines below as the block's body, so its statements are not reported twice.
    }
    this.parseBody(block);
    const last = block.close ?? block.statements[block.statements.length - 1] ?? block.open ?? header[header.length - 1] ?? keyword;
    block.end = last.end;
    block.range = { start: keyword.range.start, end: last.range.end };
    return block;
  }

  private checkHeader(block: BlockNode): void {
    const { keyword, header } = block;
    if (keyword.text === 'model') {
      const [name, extra] = header;
      if (!name) {
        this.reporter.report('DNN109', keyword, `expected a model name after \`model\`, found ${describeToken(this.peek())}`, {
          fix: this.reporter.replace('Insert a model name', { start: keyword.end, end: keyword.end }, ' my-model'),
        });
      } else if (name.kind !== 'ident') {
        this.reporter.report('DNN109', name, `expected a model name (letters, digits, \`-\`, \`_\`), found ${describeToken(name)}`);
      } else if (extra) {
        this.reporter.report(
          'DNN109',
          { start: extra.start, end: header[header.length - 1]!.end },
          `expected \`{\` after \`model ${clip(name.text)}\`, found ${describeToken(extra)}`,
        );
      }
    } else if (header.length > 0) {
      const first = header[0]!;
      this.reporter.report(
        'DNN109',
        { start: first.start, end: header[header.length - 1]!.end },
        `expected \`{\` after \`${clip(keyword.text)}\`, found ${describeToken(first)}`,
        {
          fix: this.reporter.replace('Remove the words before `{`', { start: keyword.end, end: header[header.length - 1]!.end }, ''),
        },
      );
    }
  }

  private parseBody(block: BlockNode): void {
    for (;;) {
      const token = this.peek();
      switch (token.kind) {
        case 'newline':
          this.next();
          continue;
        case 'eof':
          this.reporter.report(
            'DNN105',
            block.keyword,
            `expected \`}\` to close the \`${clip(block.keyword.text)}\` block opened on line ${block.keyword.range.start.line + 1}, found end of file`,
            { fix: this.reporter.replace('Insert `}`', token, (token.start > 0 && !/[\r\n]$/.test(this.reporter.lines.text) ? '\n' : '') + '}\n') },
          );
          return;
        case 'rbrace':
          block.close = this.next();
          return;
        case 'lbrace':
          this.reporter.report('DNN108', token, `expected a statement, found \`{\`: blocks do not nest`, {
            fix: this.reporter.replace('Remove `{`', token, ''),
          });
          this.next();
          continue;
        case 'ident':
          if ((BLOCK_KEYWORDS as readonly string[]).includes(token.text) && this.lineHasBrace()) {
            this.reporter.report(
              'DNN105',
              block.keyword,
              `expected \`}\` to close the \`${clip(block.keyword.text)}\` block opened on line ${block.keyword.range.start.line + 1}, found \`${token.text}\` on line ${token.range.start.line + 1}`,
              { fix: this.reporter.replace('Insert `}`', { start: token.start, end: token.start }, '}\n\n') },
            );
            return;
          }
          block.statements.push(this.parseStatement());
          continue;
        default:
          this.reporter.report('DNN110', token, `expected a statement keyword, found ${describeToken(token)}`);
          this.skipLine(true);
      }
    }
  }

  private parseStatement(): StatementNode {
    const head = this.next();
    const args: ArgNode[] = [];
    if (this.peek().kind === 'equals') {
      const equals = this.next();
      // `key = = 1`: every `=` before the value goes, or the fix would leave the next one in the same place.
      let last = equals;
      while (this.peek().kind === 'equals') last = this.next();
      this.reporter.report(
        'DNN111',
        { start: head.start, end: equals.end },
        `expected \`${clip(head.text)} VALUE\`, found \`${clip(head.text)}=\`: settings take a space, not \`=\``,
        {
          fix: this.reporter.replace('Replace `=` with a space', { start: equals.start, end: last.end }, ' '),
        },
      );
    }
    while (!this.atLineEnd()) {
      const token = this.peek();
      if (token.kind === 'rbrace') break;
      if (token.kind === 'lbrace') {
        this.reporter.report('DNN108', token, `expected end of line, found \`{\`: blocks do not nest`, { fix: this.reporter.replace('Remove `{`', token, '') });
        this.next();
        continue;
      }
      if (token.kind === 'equals') {
        this.reporter.report('DNN101', token, 'expected an option name before `=`, found `=`');
        this.next();
        if (VALUE_KINDS.has(this.peek().kind)) this.next();
        continue;
      }
      if (token.kind === 'invalid') {
        this.reportInvalid(token);
        this.next();
        continue;
      }
      if (token.kind === 'string' && token.unterminated) {
        this.reporter.report('DNN102', token, 'expected `"` to close the string, found end of line', {
          fix: this.reporter.replace('Close the string', { start: token.end, end: token.end }, closingQuote(token)),
        });
      }
      if (this.peek(1).kind === 'equals') {
        args.push(this.parseOption());
        continue;
      }
      this.next();
      args.push(node<ValueArg>('value', token.start, token.end, this.reporter.lines, { token }));
    }
    const last = args.length ? args[args.length - 1]! : head;
    return node<StatementNode>('statement', head.start, last.end, this.reporter.lines, { head, args });
  }

  private parseOption(): ArgNode {
    const key = this.next();
    const equals = this.next();
    if (key.kind !== 'ident') {
      this.reporter.report('DNN101', key, `expected an option name before \`=\`, found ${describeToken(key)}`);
    }
    const value = this.peek();
    const option = node<OptionArg>('option', key.start, equals.end, this.reporter.lines, { key, equals });
    if (VALUE_KINDS.has(value.kind)) {
      this.next();
      option.value = value;
      option.end = value.end;
    } else {
      this.reporter.report('DNN107', { start: key.start, end: equals.end }, `expected a value after \`${clip(key.text)}=\`, found ${describeToken(value)}`);
    }
    return option;
  }

  private reportInvalid(token: Token): void {
    const glued = gluedNumber(token.text);
    if (glued) {
      const [number, word] = glued;
      // The fix only where the space is all that is wrong: in `300relu@` it would leave `relu@` as bad as before.
      const fixes = classifyWord(word, 0, word.length) !== 'invalid';
      this.reporter.report(
        'DNN101',
        token,
        `expected a space between \`${clip(number)}\` and \`${clip(word)}\`, found ${describeToken(token)}`,
        fixes ? { fix: this.reporter.replace('Insert a space', token, `${number} ${word}`) } : {},
      );
    } else {
      this.reporter.report('DNN101', token, `expected a name, number, shape (like 28x28x1) or string, found ${describeToken(token)}`);
    }
  }
}

/**
 * What closes an unterminated string: a quote, or a backslash and a quote when the string ends in a lone backslash,
 * which would otherwise escape the quote (the two backslashes then stand for the one that was there).
 */
function closingQuote(token: Token): string {
  let backslashes = 0;
  for (let i = token.text.length - 1; i > 0 && token.text.charCodeAt(i) === 92; i--) backslashes++;
  return backslashes % 2 === 1 ? '\\"' : '"';
}

/**
 * A number glued to a word (`300relu`, `0.5abc`): the number (digits, optionally `.` and digits) and the rest,
 * which starts with a letter or `_`. Read in one pass: a backtracking expression was slow on long words.
 */
function gluedNumber(text: string): [string, string] | undefined {
  const digitsEnd = (i: number): number => {
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    return i;
  };
  let end = digitsEnd(0);
  if (end === 0) return undefined;
  if (text.charCodeAt(end) === 46 /* . */) {
    const fraction = digitsEnd(end + 1);
    if (fraction > end + 1) end = fraction;
  }
  const c = text.charCodeAt(end);
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  return letter ? [text.slice(0, end), text.slice(end)] : undefined;
}

/**
 * Statement and argument nodes compute their range on first use, from their offsets: most are never
 * asked for one, and building them eagerly dominated the cost of parsing a large spec.
 */
class Node {
  // Declared, not initialised, so that the millions of nodes that never need a range carry no slots for one.
  declare private cachedRange: Range | undefined;
  declare private cachedEnd: number | undefined;

  constructor(
    readonly kind: string,
    public start: number,
    public end: number,
    private readonly lines: LineMap,
    fields: object,
  ) {
    Object.assign(this, fields);
  }

  get range(): Range {
    if (!this.cachedRange || this.cachedEnd !== this.end) {
      this.cachedRange = this.lines.rangeOf(this);
      this.cachedEnd = this.end;
    }
    return this.cachedRange;
  }
}

function node<T extends StatementNode | ArgNode>(
  kind: T['kind'],
  start: number,
  end: number,
  lines: LineMap,
  fields: Omit<T, 'kind' | 'start' | 'end' | 'range'>,
): T {
  return new Node(kind, start, end, lines, fields) as unknown as T;
}
