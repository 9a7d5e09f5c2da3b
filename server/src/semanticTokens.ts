import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver/node';
import { ACTIVATIONS, BLOCK_KEYWORDS, isOneOf, type Analysis, type Token } from '../../language/index.ts';

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

/** Semantic tokens from the syntax tree: what the grammar can only guess, the tree knows (a name vs a keyword). */
export function semanticTokens(analysis: Analysis): SemanticTokens {
  const marks = new Map<Token, { type: TokenType; declaration?: boolean }>();
  const mark = (token: Token | undefined, type: TokenType, declaration = false): void => {
    if (token) marks.set(token, { type, declaration });
  };
  for (const block of analysis.tree.blocks) {
    mark(block.keyword, 'keyword');
    if (block.keyword.text === 'model') mark(block.header[0], 'class', true);
    for (const st of block.statements) {
      const layer = analysis.model?.layers.find((l) => l.statement === st);
      mark(st.head, block.keyword.text === 'model' ? 'keyword' : 'property');
      if (layer?.nameToken) mark(layer.nameToken, 'variable', true);
      for (const arg of st.args) {
        if (arg.kind === 'option') {
          mark(arg.key, 'parameter');
          mark(arg.equals, 'operator');
        }
        const token = arg.kind === 'value' ? arg.token : arg.value;
        if (!token || marks.has(token)) continue;
        if (token.kind === 'number' || token.kind === 'shape') mark(token, 'number');
        else if (token.kind === 'string') mark(token, 'string');
        else if (token.kind === 'ident') mark(token, isOneOf(token.text, ACTIVATIONS) ? 'function' : 'enumMember');
      }
    }
  }
  for (const c of analysis.tree.comments) mark(c, 'comment');
  const builder = new SemanticTokensBuilder();
  const ordered = [...marks.entries()].sort((a, b) => a[0].start - b[0].start);
  for (const [token, { type, declaration }] of ordered) {
    if ((BLOCK_KEYWORDS as readonly string[]).includes(token.text) && type !== 'keyword') continue;
    const { start, end } = token.range;
    if (start.line !== end.line) continue;
    builder.push(start.line, start.character, end.character - start.character, TOKEN_TYPES.indexOf(type), declaration ? 1 : 0);
  }
  return builder.build();
}
