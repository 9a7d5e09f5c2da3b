import { SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver/node';
import type { Analysis } from '../../language/index.ts';
import { layerOf, shapeText } from './locate.ts';

/** The outline: the model with its data, input and layers; regularize and train with their settings. Linear in the document. */
export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  return analysis.tree.blocks.map((block) => {
    const isModel = block.keyword.text === 'model';
    const nameToken = block.header[0];
    const children: DocumentSymbol[] = block.statements.map((st) => {
      const layer = analysis.model?.block === block ? layerOf(analysis, st) : undefined;
      const name = layer ? layer.name : st.head.text;
      const detail = layer
        ? `${layer.kind} → ${shapeText(layer.outputShape)}`
        : st.args.map((a) => (a.kind === 'value' ? a.token.text : `${a.key.text}=${a.value?.text ?? ''}`)).join(' ');
      const selection = layer?.nameToken?.range ?? st.head.range;
      return { name, detail, kind: layer ? SymbolKind.Field : isModel ? SymbolKind.Property : SymbolKind.Constant, range: st.range, selectionRange: selection };
    });
    return {
      name: isModel ? (nameToken?.text ?? 'model') : block.keyword.text,
      detail: isModel ? 'model' : '',
      kind: isModel ? SymbolKind.Class : SymbolKind.Namespace,
      range: block.range,
      selectionRange: (isModel && nameToken ? nameToken : block.keyword).range,
      children,
    };
  });
}

/** A folding range per block, and per run of two or more comment lines. */
export function foldingRanges(analysis: Analysis): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  for (const block of analysis.tree.blocks) {
    const start = block.keyword.range.start.line;
    const end = (block.close ?? block.statements.at(-1) ?? block.keyword).range.end.line;
    if (end > start) ranges.push({ startLine: start, endLine: block.close ? end - 1 : end });
  }
  let runStart = -1;
  let previous = -2;
  const flush = (): void => {
    if (runStart >= 0 && previous > runStart) ranges.push({ startLine: runStart, endLine: previous, kind: 'comment' });
  };
  for (const c of analysis.tree.comments) {
    const line = c.range.start.line;
    const ownLine = analysis.text.slice(analysis.lines.lineStarts[line], c.start).trim() === '';
    if (!ownLine) continue;
    if (line !== previous + 1) {
      flush();
      runStart = line;
    }
    previous = line;
  }
  flush();
  return ranges;
}
