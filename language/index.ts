/**
 * The `.dnn` language core, shared by the language server, the trainer and the CLI.
 * text → parse (syntax tree) → check (checked model + diagnostics). No editor or TensorFlow imports here.
 */
import { check, type CheckResult, type Overrides } from './check/checker.ts';
import type { Analysis } from './check/model.ts';
import { DIAGNOSTIC_CODES, hasErrors, type Diagnostic } from './diagnostics.ts';
import { MAX_DIAGNOSTICS } from './report.ts';
import { parse, type ParseResult } from './syntax/parser.ts';
import type { Span } from './syntax/positions.ts';

export function analyze(text: string, overrides?: Overrides): Analysis {
  const parsed = parse(text);
  const checked = check(parsed, overrides);
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  const omitted = parsed.omitted + checked.omitted;
  if (omitted > 0) diagnostics.push(omittedSummary(parsed, checked, omitted));
  const analysis: Analysis = {
    text,
    lines: parsed.lines,
    tokens: parsed.tokens,
    tree: parsed.tree,
    diagnostics,
    hasErrors: hasErrors(parsed.diagnostics) || checked.hasErrors,
  };
  if (checked.model) analysis.model = checked.model;
  return analysis;
}

/** The one DNN310 that stands for every diagnostic past the limit, where the first of them was. */
function omittedSummary(parsed: ParseResult, checked: CheckResult, omitted: number): Diagnostic {
  const candidates = [parsed.firstOmitted, checked.firstOmitted].filter((s): s is Span => s !== undefined);
  const first = candidates.reduce((a, b) => (b.start < a.start ? b : a));
  const span = { start: first.start, end: first.end };
  return {
    code: 'DNN310',
    severity: DIAGNOSTIC_CODES.DNN310.severity,
    message: `expected at most ${MAX_DIAGNOSTICS} problems in one file, found ${omitted} more, not shown (from line ${parsed.lines.positionAt(span.start).line + 1} on): fix the ones shown first`,
    span,
    range: parsed.lines.rangeOf(span),
  };
}

export { parse, MAX_SPEC_LENGTH } from './syntax/parser.ts';
export { MAX_DIAGNOSTICS } from './report.ts';
export { editDistance, wordList } from './suggest.ts';
export { format, type FormatResult } from './format/formatter.ts';
export * from './check/model.ts';
export type { Overrides, RegularizeOverrides } from './check/checker.ts';
export type { SweepSetting } from './check/sweep.ts';
export * from './diagnostics.ts';
export * from './vocabulary.ts';
export * from './penalties.ts';
export type { Position, Range, Span } from './syntax/positions.ts';
export { LineMap } from './syntax/positions.ts';
export type { Token } from './syntax/tokens.ts';
export type * from './syntax/tree.ts';
export { options, values } from './syntax/tree.ts';
export { applyEdits, shrinkEdits } from './refactor/shrink.ts';
export { assignSlots } from './check/layers.ts';
export { DROPOUT_TRAP } from './check/dropout.ts';
export { modelNameOf, tableSpec, type TableFacts } from './tableSpec.ts';
export { NEW_SPEC_REGULARIZE, newSpecRegularize } from './newSpec.ts';
