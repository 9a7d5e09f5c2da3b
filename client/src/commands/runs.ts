import * as path from 'node:path';
import * as vscode from 'vscode';
import { DeleteRunRequest, RunEventsRequest, RunsRequest } from '../../../protocol/lsp.ts';
import { ComparePanel } from '../comparePanel.ts';
import { revealFolder } from '../reveal.ts';
import { panelTitle } from '../panelTitle.ts';
import { runName, runProgress } from '../statusView.ts';
import type { RunNode } from '../views/runsView.ts';
import type { CommandDeps } from './deps.ts';
import { showPastRun, showRun } from './showRun.ts';
import { activeSpec } from './spec.ts';
import { pickRun, pickRuns, runDirOf, runOf } from './whichRun.ts';

/** Showing runs (one in its panel, several side by side), opening and deleting a run's folder. */
export function registerRunCommands(deps: CommandDeps): vscode.Disposable[] {
  const { context, client, runs } = deps;
  return [
    // The CodeLens "last run …": that run of the spec, in its panel.
    vscode.commands.registerCommand('dropneuron.showRun', async (runDir: string, uri: string) => {
      const info = (await client.sendRequest(RunsRequest, { uri })).find((r) => r.runDir === runDir);
      if (info) return showPastRun(deps, info, uri);
      void vscode.window.showInformationMessage(`The run ${path.basename(runDir)} is gone: it may have been deleted.`);
    }),
    vscode.commands.registerCommand('dropneuron.showStats', async (node?: RunNode) => {
      const fromRow = runOf(node);
      if (fromRow) return showPastRun(deps, fromRow, vscode.Uri.file(fromRow.specPath).toString());
      const document = activeSpec();
      const live = document ? runs.latestFor(document.uri.toString()) : undefined;
      if (live) return showRun(deps, live);
      const past = await pickRun(client, document);
      if (past) return showPastRun(deps, past, document!.uri.toString());
      void vscode.window.showInformationMessage('No training run to show yet: run “DropNeuron: Train with DropNeuron”.');
    }),
    // The status bar's click with several runs live: which run to show.
    vscode.commands.registerCommand('dropneuron.pickRun', async () => {
      const live = runs.live();
      if (!live.length) return void vscode.commands.executeCommand('dropneuron.showStats');
      const choice = await vscode.window.showQuickPick(
        live.map((run) => ({ label: runName(run), description: runProgress(run), ...(run.runDir ? { detail: run.runDir } : {}), run })),
        { title: 'DropNeuron: show a training run' },
      );
      if (choice) showRun(deps, choice.run);
    }),
    // From the Runs view's context menu VS Code passes the clicked run and every selected one; from the command
    // palette the user picks runs of the active spec.
    vscode.commands.registerCommand('dropneuron.compareRuns', async (node?: RunNode, selected?: RunNode[]) => {
      const fromView = [...(selected?.length ? selected : node ? [node] : [])].flatMap((n) => runOf(n) ?? []);
      const infos = fromView.length || node ? fromView : await pickRuns(client, activeSpec());
      if (!infos) return;
      if (infos.length < 2)
        return void vscode.window.showInformationMessage(
          'Compare Runs needs two or more runs: pick them here, or select them in the Runs view (Ctrl/Cmd+click).',
        );
      const compared = await Promise.all(
        infos.map(async (info) => {
          const events = await client.sendRequest(RunEventsRequest, { runDir: info.runDir });
          return { runId: info.runDir, title: panelTitle({ uri: vscode.Uri.file(info.specPath).toString(), events }, info.started), events };
        }),
      );
      ComparePanel.show(context, compared);
    }),
    vscode.commands.registerCommand('dropneuron.openRunFolder', async (node?: RunNode) => {
      const runDir = await runDirOf(client, node);
      if (!runDir) return void vscode.window.showInformationMessage('No run folder yet for this spec.');
      await revealFolder(vscode.Uri.file(runDir));
    }),
    vscode.commands.registerCommand('dropneuron.deleteRun', async (node?: RunNode) => {
      const info = runOf(node);
      if (!info) return;
      const ok = await vscode.window.showWarningMessage(`Delete the run folder ${info.runDir}?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return;
      const result = await client.sendRequest(DeleteRunRequest, { runDir: info.runDir });
      if (!result.deleted) void vscode.window.showWarningMessage(`DropNeuron: ${result.message ?? 'the run was not deleted'}`);
      deps.refreshRuns();
    }),
  ];
}
