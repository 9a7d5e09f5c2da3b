import type { Analysis } from '../check/model.ts';
import type { TextEdit } from '../diagnostics.ts';
import type { Token } from '../syntax/tokens.ts';
import { options, values } from '../syntax/tree.ts';

/**
 * The edits that set each named layer's size (dense units, conv filters) to a new value: what
 * "shrink layers to trained sizes" applies in the editor and what the trainer's pruned spec contains.
 * Layers whose size is unchanged or unknown get no edit. `keptColumns`, a CSV run's input columns that still feed
 * the network (by name), also narrows the data line to them (`columns=`) and `input` to their count, where the run
 * stopped reading some.
 */
export function shrinkEdits(analysis: Analysis, sizes: Readonly<Record<string, number>>, keptColumns?: readonly string[]): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const layer of analysis.model?.layers ?? []) {
    const size = sizes[layer.name];
    const token = layer.sizeToken;
    if (size === undefined || !token || token.text === String(size)) continue;
    edits.push(replace(token, String(size)));
  }
  return [...edits, ...columnEdits(analysis, keptColumns)];
}

/** `columns=` and `input` for the kept columns of a CSV spec with a flat input that reads more of them. */
function columnEdits(analysis: Analysis, kept: readonly string[] | undefined): TextEdit[] {
  const model = analysis.model;
  const inputCount = model?.input?.length === 1 ? model.input[0]! : undefined;
  if (!kept?.length || model?.data?.kind !== 'csv' || inputCount === undefined || kept.length >= inputCount) return [];
  const statements = model.block.statements;
  const data = statements.find((s) => s.head.text === 'data');
  const inputValue = values(statements.find((s) => s.head.text === 'input') ?? data!)[0]?.token;
  if (!data || !inputValue || inputValue === values(data)[0]?.token) return [];
  const text = JSON.stringify(kept.join(','));
  const written = options(data).find((o) => o.key.text === 'columns')?.value;
  // Beside the target where the line names one (the columns read, then the one predicted), else after the file.
  const after = options(data).find((o) => o.key.text === 'target')?.value ?? values(data)[1]?.token;
  const columns = written ? replace(written, text) : after ? insertAfter(after, ` columns=${text}`) : undefined;
  return [...(columns ? [columns] : []), replace(inputValue, String(kept.length))];
}

function replace(token: Token, newText: string): TextEdit {
  return { span: { start: token.start, end: token.end }, range: token.range, newText };
}

function insertAfter(token: Token, newText: string): TextEdit {
  return { span: { start: token.end, end: token.end }, range: { start: token.range.end, end: token.range.end }, newText };
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    out = out.slice(0, edit.span.start) + edit.newText + out.slice(edit.span.end);
  }
  return out;
}
