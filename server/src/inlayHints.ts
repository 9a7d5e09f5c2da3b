import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver/node';
import type { Analysis } from '../../language/index.ts';
import { groupDigits, shapeText } from './locate.ts';
import type { RunResult } from '../../protocol/lsp.ts';
import { keptByLayer } from '../../protocol/present.ts';

/** After each layer line: its output shape and parameter count, and after a run, the neurons it kept. */
export function inlayHints(analysis: Analysis, range: Range, run: RunResult | undefined): InlayHint[] {
  const hints: InlayHint[] = [];
  const kept = keptByLayer(run);
  for (const layer of analysis.model?.layers ?? []) {
    const line = layer.statement.range.end.line;
    if (line < range.start.line || line > range.end.line || !layer.outputShape) continue;
    const stats = kept.get(layer.name);
    const label = `→ ${shapeText(layer.outputShape)}${layer.params ? ` · ${groupDigits(layer.params)} params` : ''}${stats ? ` · ${stats.kept}/${stats.total} kept` : ''}`;
    hints.push({ position: layer.statement.range.end, label, kind: InlayHintKind.Type, paddingLeft: true });
  }
  return hints;
}
