import { formatShape, type Analysis, type BlockNode, type CheckedLayer, type Position, type StatementNode, type Token } from '../../language/index.ts';

/** What is under or before the cursor: the block, the statement and the token, as features need them. */
export interface CursorContext {
  offset: number;
  block?: BlockNode | undefined;
  /** Inside the block's braces (not on its header line). */
  insideBlock: boolean;
  statement?: StatementNode | undefined;
  token?: Token | undefined;
  layer?: CheckedLayer | undefined;
}

/**
 * Every lookup here is a binary search: tokens, blocks, statements and layers are each sorted by offset and
 * never overlap, and features run on every keystroke over documents of up to ~5 MB.
 */
export function locate(analysis: Analysis, position: Position): CursorContext {
  const offset = analysis.lines.offsetAt(position);
  const result: CursorContext = { offset, insideBlock: false };
  const block = blockAt(analysis, offset);
  if (block) {
    result.block = block;
    result.insideBlock = !!block.open && offset >= block.open.end && (!block.close || offset <= block.close.start);
    const i = lastIndexBefore(block.statements, offset + 1);
    const statement = block.statements[i];
    if (statement && offset <= statement.end) result.statement = statement;
  }
  result.token = tokenAt(analysis.tokens, offset);
  if (result.statement) result.layer = layerOf(analysis, result.statement);
  return result;
}

/** Index of the last item that starts before `offset`, or -1. `items` must be sorted by start. */
export function lastIndexBefore(items: readonly { start: number }[], offset: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.start < offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The block whose extent holds `offset`; an unclosed block ends where the next one starts, as the parser closes it there. */
function blockAt(analysis: Analysis, offset: number): BlockNode | undefined {
  const blocks = analysis.tree.blocks;
  const covers = (i: number): boolean => {
    const block = blocks[i];
    if (!block) return false;
    const end = block.close ? block.close.start : (blocks[i + 1]?.start ?? analysis.text.length + 1) - 1;
    return offset >= block.start && offset <= Math.max(end, block.end);
  };
  const i = lastIndexBefore(blocks, offset + 1);
  // A block's extent stops at the next block's start, so only the one before can also hold the offset (a `}` touching
  // the next keyword): the earlier block wins, as it always has.
  if (covers(i - 1)) return blocks[i - 1];
  return covers(i) ? blocks[i] : undefined;
}

/** The token under the cursor, the left one where two touch; never a line break or the end of file. */
function tokenAt(tokens: readonly Token[], offset: number): Token | undefined {
  const holds = (t: Token | undefined): t is Token =>
    !!t && t.kind !== 'newline' && t.kind !== 'eof' && t.end > t.start && offset >= t.start && offset <= t.end;
  const i = lastIndexBefore(tokens, offset);
  if (holds(tokens[i])) return tokens[i];
  return holds(tokens[i + 1]) ? tokens[i + 1] : undefined;
}

/** Each analysis's layers by statement and by name, built once, on first use, and dropped with the analysis. */
const layerIndexes = new WeakMap<Analysis, { byStatement: Map<StatementNode, CheckedLayer>; byName: Map<string, CheckedLayer[]> }>();

/**
 * The layers of an analysis indexed by the statement that declares each and by name: features that walk every
 * statement (semantic tokens, the outline) look each one up in O(1) instead of searching the layer list.
 */
export function layerIndex(analysis: Analysis): { byStatement: Map<StatementNode, CheckedLayer>; byName: Map<string, CheckedLayer[]> } {
  let index = layerIndexes.get(analysis);
  if (!index) {
    index = { byStatement: new Map(), byName: new Map() };
    for (const layer of analysis.model?.layers ?? []) {
      index.byStatement.set(layer.statement, layer);
      const named = index.byName.get(layer.name);
      if (named) named.push(layer);
      else index.byName.set(layer.name, [layer]);
    }
    layerIndexes.set(analysis, index);
  }
  return index;
}

/** The checked layer a statement declares, if it is one of the model's layers. */
export function layerOf(analysis: Analysis, statement: StatementNode): CheckedLayer | undefined {
  return layerIndex(analysis).byStatement.get(statement);
}

export { formatShape, groupDigits } from '../../language/index.ts';

export function shapeText(shape: number[] | undefined): string {
  return shape ? formatShape(shape) : '[?]';
}
