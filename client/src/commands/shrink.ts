import * as vscode from 'vscode';
import { ShrinkRequest, type ShrinkResult } from '../../../protocol/lsp.ts';
import { shrinkConfirmation } from '../shrinkConfirmation.ts';
import { applyEdits } from '../specEdits.ts';
import type { RunNode } from '../views/runsView.ts';
import type { CommandDeps } from './deps.ts';
import { activeSpec } from './spec.ts';
import { runOf } from './whichRun.ts';

/** "Shrink Layers to Trained Sizes": from a run of the Runs view, or the active spec's latest run. */
export function registerShrinkCommand(deps: CommandDeps): vscode.Disposable[] {
  return [vscode.commands.registerCommand('dropneuron.shrink', (node?: RunNode) => shrink(deps, node))];
}

/** Applies the server's shrink edits to the spec. */
async function shrink(deps: CommandDeps, node?: RunNode): Promise<void> {
  const fromRun = runOf(node);
  const document = fromRun ? await vscode.workspace.openTextDocument(vscode.Uri.file(fromRun.specPath)) : activeSpec();
  if (!document) return void vscode.window.showInformationMessage('Open a trained .dnn spec to shrink it.');
  const params = { uri: document.uri.toString(), ...(fromRun ? { runDir: fromRun.runDir } : {}) };
  const { edits, summary }: ShrinkResult = await deps.client.sendRequest(ShrinkRequest, params);
  if (!edits.length) {
    const why = fromRun ? 'The spec already has this run’s sizes.' : 'Nothing to shrink: train this spec first, or its layers already have the trained sizes.';
    return void vscode.window.showInformationMessage(why);
  }
  // Sizes a pruning that wrecked the model chose are not worth having without a word: ask, showing the cost.
  const confirm = summary ? shrinkConfirmation(summary) : undefined;
  if (confirm) {
    const choice = await vscode.window.showWarningMessage(confirm.message, { modal: true, detail: confirm.detail }, 'Shrink Anyway');
    if (choice !== 'Shrink Anyway') return;
  }
  await applyEdits(document, edits);
  if (fromRun) await vscode.window.showTextDocument(document);
  // The view's rows come from the server: ask again now that the sizes changed (an edit to a spec that is
  // not the active editor's does not refresh it).
  deps.refreshLayers?.();
}
