import type { Diagnostic } from '../diagnostics.ts';
import { Reporter } from '../report.ts';
import { didYouMean, listOf } from '../suggest.ts';
import { BLOCK_KEYWORDS } from '../vocabulary.ts';
import { LineMap, type Range } from './positions.ts';
import { scan } from './scanner.ts';
import { describeToken, type Token } from './tokens.ts';
import type { ArgNode, BlockNode, DocumentNode, OptionArg, StatementNode, ValueArg } from './tree.ts';

export interface ParseResult {
  text: string;
  lines: LineMap;
  /** All tokens, comments included, ending with `eof`. */
  tokens: Token[];
  tree: DocumentNode;
  diagnostics: Diagnostic[];
}

/**
 * Recursive-descent parser for `.dnn`. Never throws: on a syntax error it reports one
 * diagnostic and resumes at the next line or `}`, so one typo gives one error.
 */
export function parse(text: string): ParseResult {
  const lines = new LineMap(text);
  const tokens = scan(text, lines);
  const reporter = new Reporter(lines);
  const tree = new Parser(
    tokens.filter((t) => t.kind !== 'comment'),
    reporter,
  ).parseDocument(text.length);
  tree.comments = tokens.filter((t) => t.kind === 'comment');
  return { text, lines, tokens, tree, diagnostics: reporter.diagnostics };
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
      const after = keyword.text === 'model' && header[0] ? `\`model ${header[0].text}\`` : `\`${keyword.text}\``;
      const at = header.length ? header[header.length - 1]! : keyword;
      this.reporter.report(
        'DNN104',
        found.kind === 'newline' || found.kind === 'eof' ? at : found,
        `expected \`{\` after ${after}, found ${describeToken(found)}`,
        {
          fix: this.reporter.replace('Insert `{`', { start: at.end, end: at.end }, ' {'),
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
          `expected \`{\` after \`model ${name.text}\`, found ${describeToken(extra)}`,
        );
      }
    } else if (header.length > 0) {
      const first = header[0]!;
      this.reporter.report(
        'DNN109',
        { start: first.start, end: header[header.length - 1]!.end },
        `expected \`{\` after \`${keyword.text}\`, found ${describeToken(first)}`,
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
            `expected \`}\` to close the \`${block.keyword.text}\` block opened on line ${block.keyword.range.start.line + 1}, found end of file`,
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
              `expected \`}\` to close the \`${block.keyword.text}\` block opened on line ${block.keyword.range.start.line + 1}, found \`${token.text}\` on line ${token.range.start.line + 1}`,
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
      this.reporter.report(
        'DNN111',
        { start: head.start, end: equals.end },
        `expected \`${head.text} VALUE\`, found \`${head.text}=\`: settings take a space, not \`=\``,
        {
          fix: this.reporter.replace('Replace `=` with a space', equals, ' '),
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
          fix: this.reporter.replace('Close the string', { start: token.end, end: token.end }, '"'),
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
      this.reporter.report('DNN107', { start: key.start, end: equals.end }, `expected a value after \`${key.text}=\`, found ${describeToken(value)}`);
    }
    return option;
  }

  private reportInvalid(token: Token): void {
    const glued = /^(\d+(?:\.\d+)?)([A-Za-z_].*)$/.exec(token.text);
    if (glued) {
      this.reporter.report('DNN101', token, `expected a space between \`${glued[1]}\` and \`${glued[2]}\`, found ${describeToken(token)}`, {
        fix: this.reporter.replace('Insert a space', token, `${glued[1]} ${glued[2]}`),
      });
    } else {
      this.reporter.report('DNN101', token, `expected a name, number, shape (like 28x28x1) or string, found ${describeToken(token)}`);
    }
  }
}

/**
 * Statement and argument nodes compute their range on first use, from their offsets: most are never
 * asked for one, and building them eagerly dominated the cost of parsing a large spec.
 */
class Node {
  private cachedRange: Range | undefined;

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

  private cachedEnd = -1;
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
