import type { Range, TextEdit } from 'vscode-languageserver/node';
import { format } from '../../language/index.ts';

/**
 * Formatting as minimal line edits: the lines that the formatter changes, found with a line diff, so that
 * the cursor, folding and undo stay where they were. Range formatting returns the edits that touch the range.
 * A file with syntax errors is left as it is (the formatter refuses it).
 */
export function formatEdits(text: string, range?: Range): TextEdit[] {
  const result = format(text);
  if (!result.ok || result.text === text) return [];
  const edits = lineDiff(text, result.text);
  if (!range) return edits;
  return edits.filter((e) => {
    // An edit of whole lines ends at column 0 of the line after its last one.
    const last = e.range.end.character === 0 && e.range.end.line > e.range.start.line ? e.range.end.line - 1 : e.range.end.line;
    return !(last < range.start.line || e.range.start.line > range.end.line);
  });
}

function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\r\n|\r|\n)/);
  return lines;
}

/** Longest-common-subsequence diff on lines (documents are small; past 3 000 lines, one whole edit). */
function lineDiff(before: string, after: string): TextEdit[] {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.length * b.length > 9_000_000) {
    return [{ range: { start: { line: 0, character: 0 }, end: { line: a.length, character: 0 } }, newText: after }];
  }
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const edits: TextEdit[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    const startI = i;
    const inserted: string[] = [];
    while ((i < n || j < m) && !(i < n && j < m && a[i] === b[j])) {
      if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) inserted.push(b[j++]!);
      else i++;
    }
    if (inserted.length === i - startI) {
      // Line-for-line replacements stay separate edits, so range formatting can pick just its lines.
      inserted.forEach((line, k) =>
        edits.push({ range: { start: { line: startI + k, character: 0 }, end: { line: startI + k + 1, character: 0 } }, newText: line }),
      );
    } else {
      edits.push({ range: { start: { line: startI, character: 0 }, end: { line: i, character: 0 } }, newText: inserted.join('') });
    }
  }
  return edits;
}
