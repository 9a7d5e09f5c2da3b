import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver/node';
import { ACTIVATIONS, BLOCK_KEYWORDS, isOneOf, type Analysis, type Token } from '../../language/index.ts';
import { layerOf } from './locate.ts';

export const TOKEN_TYPES = [
  'keyword',
  'class',
  'variable',
  'property',
  'parameter',
  'number',
  'string',
  'enumMember',
  'function',
  'comment',
  'operator',
] as const;
export const TOKEN_MODIFIERS = ['declaration'] as const;
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];

const TYPE_INDEX = new Map<TokenType, number>(TOKEN_TYPES.map((t, i) => [t, i]));
const BLOCK_WORDS: ReadonlySet<string> = new Set(BLOCK_KEYWORDS);

/**
 * Semantic tokens from the syntax tree: what the grammar can only guess, the tree knows (a name vs a keyword).
 * One walk in document order (blocks, statements and arguments are in order; comments are merged in by
 * position), with lines found by advancing through the line starts: linear in the document, no sort, no
 * position objects. Each statement's layer comes from the analysis's index.
 */
export function semanticTokens(analysis: Analysis): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  const starts = analysis.lines.lineStarts;
  const comments = analysis.tree.comments;
  let line = 0;
  let nextComment = 0;
  const push = (token: Token, type: TokenType, declaration: boolean): void => {
    if (type !== 'keyword' && BLOCK_WORDS.has(token.text)) return;
    while (line + 1 < starts.length && starts[line + 1]! <= token.start) line++;
    // Tokens never span lines (strings and comments stop at the line's end); the check keeps that an invariant here.
    if (line + 1 < starts.length && token.end > starts[line + 1]!) return;
    builder.push(line, token.start - starts[line]!, token.end - token.start, TYPE_INDEX.get(type)!, declaration ? 1 : 0);
  };
  const mark = (token: Token | undefined, type: TokenType, declaration = false): void => {
    if (!token) return;
    while (nextComment < comments.length && comments[nextComment]!.start < token.start) push(comments[nextComment++]!, 'comment', false);
    push(token, type, declaration);
  };
  for (const block of analysis.tree.blocks) {
    mark(block.keyword, 'keyword');
    if (block.keyword.text === 'model') mark(block.header[0], 'class', true);
    const head = block.keyword.text === 'model' ? 'keyword' : 'property';
    for (const st of block.statements) {
      const name = layerOf(analysis, st)?.nameToken;
      mark(st.head, head);
      for (const arg of st.args) {
        if (arg.kind === 'option') {
          mark(arg.key, 'parameter');
          mark(arg.equals, 'operator');
        }
        const token = arg.kind === 'value' ? arg.token : arg.value;
        if (!token) continue;
        if (token === name) mark(token, 'variable', true);
        else if (token.kind === 'number' || token.kind === 'shape') mark(token, 'number');
        else if (token.kind === 'string') mark(token, 'string');
        else if (token.kind === 'ident') mark(token, isOneOf(token.text, ACTIVATIONS) ? 'function' : 'enumMember');
      }
    }
  }
  while (nextComment < comments.length) push(comments[nextComment++]!, 'comment', false);
  return builder.build();
}
