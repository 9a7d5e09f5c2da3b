import type { CodeLens } from 'vscode-languageserver/node';
import type { Analysis } from '../../language/index.ts';
import type { RunResult } from '../../protocol/lsp.ts';
import { formatRunHeadline } from '../../protocol/present.ts';

/** The client commands the lenses run: the extension's own (client/src/commands.ts). */
export const TRAIN_COMMAND = 'dropneuron.train';
export const SHOW_RUN_COMMAND = 'dropneuron.showRun';
export const SWEEP_COMMAND = 'dropneuron.sweep';

/**
 * Above each `model`: "Train", and after a finished run "last run 98.3 % · 440-63-39", which opens that run. The
 * arguments are plain strings (the spec's URI, the run folder): a lens travels as JSON.
 */
export function codeLenses(uri: string, analysis: Analysis, run: RunResult | undefined): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const block of analysis.tree.blocks) {
    if (block.keyword.text !== 'model') continue;
    const range = block.keyword.range;
    lenses.push({ range, command: { title: 'Train', command: TRAIN_COMMAND, arguments: [uri] } });
    const summary = run?.done?.summary;
    if (run && summary) {
      lenses.push({ range, command: { title: `last run ${formatRunHeadline(summary)}`, command: SHOW_RUN_COMMAND, arguments: [run.runDir, uri] } });
    }
  }
  const sweep = analysis.tree.blocks.find((b) => b.keyword.text === 'sweep');
  if (sweep && analysis.model?.sweep?.length)
    lenses.push({ range: sweep.keyword.range, command: { title: sweepTitle(analysis.model.sweep), command: SWEEP_COMMAND, arguments: [uri] } });
  return lenses;
}

/** "Sweep with DropNeuron: 4 runs × 2 thresholds": what the lens above a `sweep` block starts. */
function sweepTitle(lines: readonly { name: string; values: readonly unknown[] }[]): string {
  const runs = lines.filter((l) => l.name !== 'threshold').reduce((n, l) => n * Math.max(1, l.values.length), 1);
  const thresholds = lines.find((l) => l.name === 'threshold')?.values.length ?? 0;
  return `Sweep with DropNeuron: ${runs} run${runs === 1 ? '' : 's'}${thresholds ? ` × ${thresholds} threshold${thresholds === 1 ? '' : 's'}` : ''}`;
}
