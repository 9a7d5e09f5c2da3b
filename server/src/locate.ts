import { formatShape, type Analysis, type BlockNode, type CheckedLayer, type Position, type StatementNode, type Token } from '../../language/index.ts';

/** What is under or before the cursor: the block, the statement and the token, as features need them. */
export interface Location {
  offset: number;
  block?: BlockNode | undefined;
  /** Inside the block's braces (not on its header line). */
  insideBlock: boolean;
  statement?: StatementNode | undefined;
  token?: Token | undefined;
  layer?: CheckedLayer | undefined;
}

export function locate(analysis: Analysis, position: Position): Location {
  const offset = analysis.lines.offsetAt(position);
  const result: Location = { offset, insideBlock: false };
  const blocks = analysis.tree.blocks;
  for (const [i, block] of blocks.entries()) {
    // An unclosed block ends where the next block starts (the parser closes it there too).
    const end = block.close ? block.close.start : (blocks[i + 1]?.start ?? analysis.text.length + 1) - 1;
    if (offset >= block.start && offset <= Math.max(end, block.end)) {
      result.block = block;
      result.insideBlock = !!block.open && offset >= block.open.end && (!block.close || offset <= block.close.start);
      result.statement = block.statements.find((s) => offset >= s.start && offset <= s.end);
      break;
    }
  }
  result.token = analysis.tokens.find((t) => t.kind !== 'newline' && t.kind !== 'eof' && offset >= t.start && offset <= t.end && t.end > t.start);
  if (result.statement) result.layer = analysis.model?.layers.find((l) => l.statement === result.statement);
  return result;
}

export { formatShape, groupDigits } from '../../language/index.ts';

export function shapeText(shape: number[] | undefined): string {
  return shape ? formatShape(shape) : '[?]';
}
