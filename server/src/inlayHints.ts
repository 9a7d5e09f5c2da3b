import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver/node';
import type { Analysis, CheckedLayer } from '../../language/index.ts';
import { groupDigits, shapeText } from './locate.ts';
import type { RunResult } from '../../protocol/lsp.ts';
import { keptByLayer } from '../../protocol/present.ts';

/**
 * At most this many hints per request. An editor asks for the lines it shows (a few dozen layers); a request for
 * the whole of a 50 000-layer spec gets the first ones instead of a reply of many megabytes.
 */
export const MAX_INLAY_HINTS = 5000;

/**
 * After each layer line in the range: its output shape and parameter count, and after a run, the neurons it
 * kept. Layers are in document order, so the first one in range is found by binary search and the walk stops
 * at the range's end: the cost follows the range, not the document.
 */
export function inlayHints(analysis: Analysis, range: Range, run: RunResult | undefined): InlayHint[] {
  const hints: InlayHint[] = [];
  const layers = analysis.model?.layers ?? [];
  if (layers.length === 0 || range.end.line < range.start.line) return hints;
  const kept = keptByLayer(run);
  const from = analysis.lines.lineStarts[range.start.line] ?? analysis.text.length + 1;
  for (let i = firstLayerFrom(layers, from); i < layers.length && hints.length < MAX_INLAY_HINTS; i++) {
    const layer = layers[i]!;
    const line = layer.statement.range.end.line;
    if (line > range.end.line) break;
    if (line < range.start.line || !layer.outputShape) continue;
    const stats = kept.get(layer.name);
    const label = `→ ${shapeText(layer.outputShape)}${layer.params ? ` · ${groupDigits(layer.params)} params` : ''}${stats ? ` · ${stats.kept}/${stats.total} kept` : ''}`;
    hints.push({ position: layer.statement.range.end, label, kind: InlayHintKind.Type, paddingLeft: true });
  }
  return hints;
}

/** Index of the first layer whose statement starts at or after `offset` (layers are in document order). */
function firstLayerFrom(layers: readonly CheckedLayer[], offset: number): number {
  let lo = 0;
  let hi = layers.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (layers[mid]!.statement.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
