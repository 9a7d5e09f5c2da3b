import type { Analysis } from '../check/model.ts';
import type { TextEdit } from '../diagnostics.ts';

/**
 * The edits that set each named layer's size (dense units, conv filters) to a new value: what
 * "shrink layers to trained sizes" applies in the editor and what the trainer's pruned spec contains.
 * Layers whose size is unchanged or unknown get no edit.
 */
export function shrinkEdits(analysis: Analysis, sizes: Readonly<Record<string, number>>): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const layer of analysis.model?.layers ?? []) {
    const size = sizes[layer.name];
    const token = layer.sizeToken;
    if (size === undefined || !token || token.text === String(size)) continue;
    edits.push({ span: { start: token.start, end: token.end }, range: token.range, newText: String(size) });
  }
  return edits;
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    out = out.slice(0, edit.span.start) + edit.newText + out.slice(edit.span.end);
  }
  return out;
}
