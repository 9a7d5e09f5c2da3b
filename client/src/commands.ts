import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  DeleteRunRequest,
  RunEventsRequest,
  RunsRequest,
  ShrinkRequest,
  StopRequest,
  TrainRequest,
  type RunInfo,
  type ShrinkResult,
} from '../../protocol/lsp.ts';
import { epochPercent, formatBackend, formatNamedMetric } from '../../protocol/present.ts';
import type { TrainingOverrides } from '../../protocol/settings.ts';
import { showBackends } from './backendsPicker.ts';
import { pickOverrides } from './overridesPicker.ts';
import type { RunRecord, RunStore } from './runStore.ts';
import type { RunNode } from './views/runsView.ts';
import { revealFolder, StatsPanel } from './statsPanel.ts';

function activeSpec(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document?.languageId === 'dnn' ? document : undefined;
}

export interface CommandDeps {
  context: vscode.ExtensionContext;
  client: LanguageClient;
  runs: RunStore;
  log: vscode.LogOutputChannel;
  refreshRuns: () => void;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { context, client, runs, log } = deps;
  const stop = async (uri: string): Promise<void> => {
    await client.sendRequest(StopRequest, { uri });
  };
  const showRun = (run: RunRecord): void => void StatsPanel.show(context, runs, run, (r) => void stop(r.uri));
  const showPastRun = async (runDir: string, uri: string): Promise<void> =>
    showRun(runs.load(runDir, uri, await client.sendRequest(RunEventsRequest, { runDir })));

  /** Trains the spec (the active one, or `resource`), with `overrides` for this run on top of the editor's settings. */
  const train = async (resource?: vscode.Uri, overrides?: TrainingOverrides): Promise<void> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window
        .showWarningMessage(
          'Training runs code on this machine (the trainer, and a Node you may have configured), so it is disabled in Restricted Mode. Trust the workspace to train.',
          'Manage Workspace Trust',
        )
        .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
      return;
    }
    let document = resource ? await vscode.workspace.openTextDocument(resource) : activeSpec();
    if (!document) {
      void vscode.window.showInformationMessage('Open a .dnn spec to train it.');
      return;
    }
    if (document.isUntitled) {
      const saved = await vscode.commands.executeCommand<boolean>('workbench.action.files.saveAs');
      // Saving an untitled spec opens it again as a file: train that one.
      document = saved ? activeSpec() : undefined;
      if (!document || document.isUntitled) return;
    } else if (document.isDirty) {
      await document.save();
    }
    const uri = document.uri.toString();
    // The server applies the editor's settings (`dropneuron.trainer.*`) under these: one place decides what a run gets.
    const result = await client.sendRequest(TrainRequest, { uri, ...(overrides ? { overrides } : {}) });
    if (!result.started) {
      if (result.reason === 'errors') {
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        void vscode.window.showErrorMessage(`DropNeuron: ${result.message}`);
      } else if (result.reason === 'settings') {
        const choice = await vscode.window.showErrorMessage(`DropNeuron: ${result.message}`, 'Open Settings');
        if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'dropneuron.trainer.overrides');
      } else {
        void vscode.window.showWarningMessage(`DropNeuron: ${result.message}`);
      }
      return;
    }
    log.info(`training ${document.uri.fsPath} (${result.runId})`);
    showRun(runs.begin(uri, result.runId));
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Training ${path.basename(document.uri.fsPath)} with DropNeuron`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          token.onCancellationRequested(() => void stop(uri));
          let last = 0;
          const subscription = runs.onEvent((run, event) => {
            if (run.runId !== result.runId) return;
            if (event.type === 'start') progress.report({ message: `${event.model} on ${formatBackend(event)}` });
            if (event.type === 'epoch') {
              const pct = epochPercent(event);
              progress.report({
                increment: pct - last,
                message: `epoch ${event.epoch}/${event.epochs} · ${formatNamedMetric(event.metric, event.testMetric)}`,
              });
              last = pct;
            }
            if (event.type === 'done' || event.type === 'error') {
              subscription.dispose();
              resolve();
              deps.refreshRuns();
              if (event.type === 'error') void vscode.window.showErrorMessage(`DropNeuron: ${event.message}`, 'Show Log').then((c) => c && log.show());
            }
          });
        }),
    );
  };

  /** Applies the server's shrink edits: from a run of the Runs view, or the active spec's latest run. */
  const shrink = async (node?: RunNode): Promise<void> => {
    const fromRun = node && 'row' in node ? node.info : undefined;
    const document = fromRun ? await vscode.workspace.openTextDocument(vscode.Uri.file(fromRun.specPath)) : activeSpec();
    if (!document) return void vscode.window.showInformationMessage('Open a trained .dnn spec to shrink it.');
    const params = { uri: document.uri.toString(), ...(fromRun ? { runDir: fromRun.runDir } : {}) };
    const { edits }: ShrinkResult = await client.sendRequest(ShrinkRequest, params);
    if (!edits.length) {
      const why = fromRun
        ? 'The spec already has this run’s sizes.'
        : 'Nothing to shrink: train this spec first, or its layers already have the trained sizes.';
      return void vscode.window.showInformationMessage(why);
    }
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits)
      edit.replace(document.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
    await vscode.workspace.applyEdit(edit);
    if (fromRun) await vscode.window.showTextDocument(document);
  };

  const pickRun = async (document: vscode.TextDocument | undefined): Promise<RunInfo | undefined> => {
    if (!document) return undefined;
    const list = await client.sendRequest(RunsRequest, { uri: document.uri.toString() });
    if (list.length <= 1) return list[0];
    const choice = await vscode.window.showQuickPick(
      list.map((r) => ({ label: r.runDir.split(path.sep).pop()!, description: r.finished ? (r.stopped ? 'stopped' : 'finished') : 'unfinished', run: r })),
      { title: 'DropNeuron runs of this spec' },
    );
    return choice?.run;
  };

  return [
    vscode.commands.registerCommand('dropneuron.train', (resource?: vscode.Uri) => train(resource)),
    vscode.commands.registerCommand('dropneuron.showBackends', () => showBackends(client)),
    vscode.commands.registerCommand('dropneuron.trainWithOverrides', async (resource?: vscode.Uri) => {
      const key = `overrides:${(resource ?? activeSpec()?.uri)?.toString() ?? ''}`;
      const overrides = await pickOverrides(context.workspaceState.get<TrainingOverrides>(key) ?? {});
      if (!overrides) return;
      // The next time, the picker starts from this run's choices.
      await context.workspaceState.update(key, overrides);
      await train(resource, overrides);
    }),
    vscode.commands.registerCommand('dropneuron.stop', async (uri?: string) => {
      const target = uri ?? activeSpec()?.uri.toString() ?? [...runsRunning(runs)][0];
      if (!target) return void vscode.window.showInformationMessage('No DropNeuron training is running.');
      await stop(target);
    }),
    vscode.commands.registerCommand('dropneuron.showStats', async (node?: RunNode) => {
      if (node && 'row' in node) return showPastRun(node.info.runDir, vscode.Uri.file(node.info.specPath).toString());
      const document = activeSpec();
      const live = document ? runs.latestFor(document.uri.toString()) : undefined;
      if (live) return showRun(live);
      const past = await pickRun(document);
      if (past) return showPastRun(past.runDir, document!.uri.toString());
      void vscode.window.showInformationMessage('No training run to show yet: run “DropNeuron: Train with DropNeuron”.');
    }),
    vscode.commands.registerCommand('dropneuron.shrink', shrink),
    vscode.commands.registerCommand('dropneuron.openRunFolder', async (node?: RunNode) => {
      const runDir = node && 'row' in node ? node.info.runDir : (await pickRun(activeSpec()))?.runDir;
      if (!runDir) return void vscode.window.showInformationMessage('No run folder yet for this spec.');
      await revealFolder(vscode.Uri.file(runDir));
    }),
    vscode.commands.registerCommand('dropneuron.deleteRun', async (node?: RunNode) => {
      if (!node || !('row' in node)) return;
      const ok = await vscode.window.showWarningMessage(`Delete the run folder ${node.info.runDir}?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return;
      const result = await client.sendRequest(DeleteRunRequest, { runDir: node.info.runDir });
      if (!result.deleted) void vscode.window.showWarningMessage(`DropNeuron: ${result.message ?? 'the run was not deleted'}`);
      deps.refreshRuns();
    }),
    vscode.commands.registerCommand('dropneuron.newFromExample', async () => {
      const dir = context.asAbsolutePath('examples');
      const items = readdirSync(dir)
        .filter((f) => f.endsWith('.dnn'))
        .map((f) => {
          const text = readFileSync(path.join(dir, f), 'utf8');
          return { label: f.replace(/\.dnn$/, ''), detail: text.split('\n')[0]?.replace(/^#\s*/, ''), text };
        });
      const choice = await vscode.window.showQuickPick(items, { title: 'New DropNeuron spec from an example', matchOnDetail: true });
      if (!choice) return;
      const document = await vscode.workspace.openTextDocument({ language: 'dnn', content: choice.text });
      await vscode.window.showTextDocument(document);
    }),
  ];
}

function* runsRunning(runs: RunStore): Iterable<string> {
  for (const document of vscode.workspace.textDocuments) if (runs.running(document.uri.toString())) yield document.uri.toString();
}
