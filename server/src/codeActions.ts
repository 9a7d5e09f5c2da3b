import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit } from 'vscode-languageserver/node';
import { shrinkEdits, type Analysis } from '../../language/index.ts';
import { SHRINK_ACTION_KIND, type RunResult } from '../../protocol/lsp.ts';
import { toLspDiagnostic } from './diagnostics.ts';

/** For people only: clients find the action by its kind, SHRINK_ACTION_KIND. */
const SHRINK_TITLE = 'Shrink layers to trained sizes';

/** The edits that set every layer to its size in the run's compact model (empty if nothing changes). */
export function shrinkToRun(analysis: Analysis, run: RunResult | undefined): TextEdit[] {
  const sizes = run?.done?.summary.compactSizes;
  if (!sizes) return [];
  return shrinkEdits(analysis, sizes).map((e) => ({ range: e.range, newText: e.newText }));
}

/**
 * A quick fix for every diagnostic in range that carries one (did-you-mean, insert `flatten`, clamp a value,
 * remove a duplicate, ...), and after a run of this document, "Shrink layers to trained sizes".
 */
export function codeActions(uri: string, analysis: Analysis, params: CodeActionParams, run: RunResult | undefined): CodeAction[] {
  const actions: CodeAction[] = [];
  const wanted = params.context.only;
  const wants = (kind: string): boolean => !wanted || wanted.some((k) => kind === k || kind.startsWith(k + '.'));
  if (wants(CodeActionKind.QuickFix)) {
    for (const d of analysis.diagnostics) {
      if (!d.fix) continue;
      const r = params.range;
      const overlaps = !(d.range.end.line < r.start.line || d.range.start.line > r.end.line);
      if (!overlaps) continue;
      actions.push({
        title: d.fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLspDiagnostic(uri, d)],
        isPreferred: d.fix.edits.length === 1,
        edit: { changes: { [uri]: d.fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
      });
    }
  }
  const shrink = shrinkToRun(analysis, run);
  if (shrink.length && wants(SHRINK_ACTION_KIND)) {
    actions.push({ title: SHRINK_TITLE, kind: SHRINK_ACTION_KIND, edit: { changes: { [uri]: shrink } } });
  }
  return actions;
}
