import { CodeActionKind, type CodeAction, type CodeActionParams, type Range, type TextEdit } from 'vscode-languageserver/node';
import { shrinkEdits, type Analysis } from '../../language/index.ts';
import { SHRINK_ACTION_KIND, type RunResult } from '../../protocol/lsp.ts';
import { dataDiagnosticStatements, type DataDiagnostic } from '../../store/dataDiagnostics.ts';
import { toLspDiagnostic } from './diagnostics.ts';

/** For people only: clients find the action by its kind, SHRINK_ACTION_KIND. */
const SHRINK_TITLE = 'Shrink layers to trained sizes';

/** The edits that set every layer to its size in the run's compact model (empty if nothing changes). */
export function shrinkToRun(analysis: Analysis, run: RunResult | undefined): TextEdit[] {
  const sizes = run?.done?.summary.compactSizes;
  if (!sizes) return [];
  return shrinkEdits(analysis, sizes, run?.done?.summary.keptInputNames).map((e) => ({ range: e.range, newText: e.newText }));
}

/**
 * A quick fix for every diagnostic in range that carries one (did-you-mean, insert `flatten`, clamp a value,
 * remove a duplicate, ...), and after a run of this document, "Shrink layers to trained sizes". `dataFiles` gives
 * the diagnostics of the spec's data files (store/dataDiagnostics.ts: a file that is not there, a target that is
 * not a column, an `input` that is not the data's, a last layer that is not as wide as the labels need), each with
 * its fixes: read only when the range reaches a line they are said on.
 */
export function codeActions(
  uri: string,
  analysis: Analysis,
  params: CodeActionParams,
  run: RunResult | undefined,
  dataFiles: () => DataDiagnostic[] = () => [],
): CodeAction[] {
  const actions: CodeAction[] = [];
  const wanted = params.context.only;
  const wants = (kind: string): boolean => !wanted || wanted.some((k) => kind === k || kind.startsWith(k + '.'));
  const r = params.range;
  const inRange = (range: Range): boolean => !(range.end.line < r.start.line || range.start.line > r.end.line);
  if (wants(CodeActionKind.QuickFix)) {
    const fromFiles = dataDiagnosticStatements(analysis).some((s) => inRange(s.range)) ? dataFiles() : [];
    for (const d of [...analysis.diagnostics, ...fromFiles]) {
      const fixes = (d as DataDiagnostic).fixes ?? (d.fix ? [d.fix] : []);
      if (!fixes.length || !inRange(d.range)) continue;
      for (const fix of fixes) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [toLspDiagnostic(uri, d)],
          // The one fix of a diagnostic is applied by Auto Fix; of several candidates (files, columns), none is.
          isPreferred: fixes.length === 1 && fix.edits.length === 1,
          edit: { changes: { [uri]: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
        });
      }
    }
  }
  const shrink = shrinkToRun(analysis, run);
  if (shrink.length && wants(SHRINK_ACTION_KIND)) {
    actions.push({ title: SHRINK_TITLE, kind: SHRINK_ACTION_KIND, edit: { changes: { [uri]: shrink } } });
  }
  return actions;
}
