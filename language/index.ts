/**
 * The `.dnn` language core, shared by the language server, the trainer and the CLI.
 * text → parse (syntax tree) → check (checked model + diagnostics). No editor or TensorFlow imports here.
 */
import { check, type Overrides } from './check/checker.ts';
import type { Analysis } from './check/model.ts';
import { hasErrors } from './diagnostics.ts';
import { parse } from './syntax/parser.ts';

export function analyze(text: string, overrides?: Overrides): Analysis {
  const parsed = parse(text);
  const checked = check(parsed, overrides);
  // A line with a syntax error gets only that error: what the checker says about it would follow from it.
  const brokenLines = new Set(parsed.diagnostics.map((d) => d.range.start.line));
  const consequences = checked.diagnostics.filter((d) => !brokenLines.has(d.range.start.line));
  const diagnostics = [...parsed.diagnostics, ...consequences].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const analysis: Analysis = {
    text,
    lines: parsed.lines,
    tokens: parsed.tokens,
    tree: parsed.tree,
    diagnostics,
    hasErrors: hasErrors(diagnostics),
  };
  if (checked.model) analysis.model = checked.model;
  return analysis;
}

export { parse } from './syntax/parser.ts';
export { format, type FormatResult } from './format/formatter.ts';
export * from './check/model.ts';
export type { Overrides } from './check/checker.ts';
export * from './diagnostics.ts';
export * from './vocabulary.ts';
export type { Position, Range, Span } from './syntax/positions.ts';
export { LineMap } from './syntax/positions.ts';
export type { Token } from './syntax/tokens.ts';
export type * from './syntax/tree.ts';
export { options, values } from './syntax/tree.ts';
export { applyEdits, shrinkEdits } from './refactor/shrink.ts';
export { assignSlots } from './check/layers.ts';
