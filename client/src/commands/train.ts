import * as path from 'node:path';
import * as vscode from 'vscode';
import { StopRequest, TrainRequest } from '../../../protocol/lsp.ts';
import type { TrainingOverrides } from '../../../protocol/settings.ts';
import { pickOverrides, specValuesOf } from '../overridesPicker.ts';
import type { RunStore } from '../runStore.ts';
import type { CommandDeps } from './deps.ts';
import { followStartedRun } from './followRun.ts';
import { openSetting } from './openSetting.ts';
import { activeSpec, specUri } from './spec.ts';

/** "Train with DropNeuron", "Train with Settings…" and "Stop Training". */
export function registerTrainCommands(deps: CommandDeps): vscode.Disposable[] {
  const { context, client, runs } = deps;
  return [
    // From the CodeLens above a model, the spec comes as a URI string (a lens's arguments travel as JSON).
    vscode.commands.registerCommand('dropneuron.train', (resource?: vscode.Uri | string) => train(deps, specUri(resource))),
    vscode.commands.registerCommand('dropneuron.trainWithOverrides', async (resource?: vscode.Uri) => {
      const uri = resource ?? activeSpec()?.uri;
      const key = `overrides:${uri?.toString() ?? ''}`;
      // The spec as the editor has it (saved or not): the picker shows its values beside the overrides.
      const text = uri
        ? await Promise.resolve(vscode.workspace.openTextDocument(uri)).then(
            (d) => d.getText(),
            () => '',
          )
        : '';
      const overrides = await pickOverrides(context.workspaceState.get<TrainingOverrides>(key) ?? {}, specValuesOf(text));
      if (!overrides) return;
      // The next time, the picker starts from this run's choices.
      await context.workspaceState.update(key, overrides);
      await train(deps, resource, overrides);
    }),
    vscode.commands.registerCommand('dropneuron.stop', async (uri?: string) => {
      const target = uri ?? activeSpec()?.uri.toString() ?? [...runsRunning(runs)][0];
      if (!target) return void vscode.window.showInformationMessage('No DropNeuron training is running.');
      await client.sendRequest(StopRequest, { uri: target });
    }),
  ];
}

/** Whether the workspace is trusted; if not, says why training (and resuming) is off, with a button to trust it. */
export function trusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      'Training runs code on this machine (the trainer, and a Node you may have configured), so it is disabled in Restricted Mode. Trust the workspace to train.',
      'Manage Workspace Trust',
    )
    .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}

/** Trains the spec (the active one, or `resource`), with `overrides` for this run on top of the editor's settings. */
async function train(deps: CommandDeps, resource?: vscode.Uri, overrides?: TrainingOverrides): Promise<void> {
  if (!trusted()) return;
  let document = resource ? await vscode.workspace.openTextDocument(resource) : activeSpec();
  if (!document) {
    void vscode.window.showInformationMessage('Open a .dnn spec to train it.');
    return;
  }
  if (document.isUntitled) {
    // A run reads its spec from a file: Save As first (suggesting the new spec's own file name, newFromExample.ts),
    // then train the file it was saved as. (The saveAs command resolved to nothing, so the run never started.)
    const saved = await vscode.workspace.saveAs(document.uri);
    if (!saved) {
      void vscode.window.showInformationMessage('DropNeuron trains a spec saved as a file: save it, then Train.');
      return;
    }
    document = await vscode.workspace.openTextDocument(saved);
  } else if (document.isDirty) {
    await document.save();
  }
  const uri = document.uri.toString();
  // The server applies the editor's settings (`dropneuron.trainer.*`) under these: one place decides what a run gets.
  const result = await deps.client.sendRequest(TrainRequest, { uri, ...(overrides ? { overrides } : {}) });
  if (!result.started) {
    if (result.reason === 'errors') {
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      void vscode.window.showErrorMessage(`DropNeuron: ${result.message}`);
    } else if (result.reason === 'settings') {
      deps.log.error(`training ${document.uri.fsPath} did not start: ${result.message}`);
      const choice = await vscode.window.showErrorMessage(`DropNeuron: ${result.message}`, 'Open Settings');
      if (choice) await openSetting(result.setting ?? 'dropneuron.trainer.overrides');
    } else {
      void vscode.window.showWarningMessage(`DropNeuron: ${result.message}`);
    }
    return;
  }
  deps.log.info(`training ${document.uri.fsPath} (${result.runId})`);
  followStartedRun(deps, uri, result.runId, `Training ${path.basename(document.uri.fsPath)} with DropNeuron`);
}

/** The specs open in the editor that have a run going: what "Stop Training" stops when it is given none. */
function* runsRunning(runs: RunStore): Iterable<string> {
  for (const document of vscode.workspace.textDocuments) if (runs.running(document.uri.toString())) yield document.uri.toString();
}
