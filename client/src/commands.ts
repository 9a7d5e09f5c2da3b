import { readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { analyze, shrinkEdits } from '../../language/index.ts';
import { RunsRequest, StopRequest, TrainRequest, type RunInfo, type TrainOverrides, type TrainResult } from '../../server/src/protocol.ts';
import type { RunRecord, RunStore } from './runStore.ts';
import type { RunNode } from './views/runsView.ts';
import { revealFolder, StatsPanel } from './webview/panel.ts';

export const SHRINK_TITLE = 'Shrink layers to trained sizes';

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

  const train = async (resource?: vscode.Uri): Promise<void> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Training runs code on this machine (the trainer, and a Node you may have configured), so it is disabled in Restricted Mode. Trust the workspace to train.', 'Manage Workspace Trust').then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
      return;
    }
    const document = resource ? await vscode.workspace.openTextDocument(resource) : activeSpec();
    if (!document) {
      void vscode.window.showInformationMessage('Open a .dnn spec to train it.');
      return;
    }
    if (document.isUntitled) {
      const saved = await vscode.commands.executeCommand<boolean>('workbench.action.files.saveAs');
      if (!saved) return;
    } else if (document.isDirty) {
      await document.save();
    }
    const settings = vscode.workspace.getConfiguration('dropneuron', document.uri);
    const overrides: TrainOverrides = {};
    const epochs = settings.get<number | null>('trainer.epochs');
    if (epochs) overrides.epochs = epochs;
    const uri = document.uri.toString();
    const result: TrainResult = await client.sendRequest(TrainRequest, { uri, overrides });
    if (!result.started) {
      if (result.reason === 'errors') {
        await vscode.commands.executeCommand('workbench.actions.view.problems');
        void vscode.window.showErrorMessage(`DropNeuron: ${result.message}`);
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
            if (event.type === 'start') progress.report({ message: `${event.model} on ${event.backend}` });
            if (event.type === 'epoch') {
              const pct = (100 * event.epoch) / event.epochs;
              const metric = event.metric === 'accuracy' ? `${(100 * event.testMetric).toFixed(2)} %` : event.testMetric.toExponential(2);
              progress.report({ increment: pct - last, message: `epoch ${event.epoch}/${event.epochs} · ${event.metric} ${metric}` });
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

  const shrink = async (node?: RunNode): Promise<void> => {
    if (node && 'row' in node) {
      // From the Runs view: this run's sizes, applied to its spec.
      const specUri = vscode.Uri.file(node.info.specPath);
      const document = await vscode.workspace.openTextDocument(specUri);
      const edits = shrinkEdits(analyze(document.getText()), node.info.compactSizes ?? {});
      if (!edits.length) return void vscode.window.showInformationMessage('The spec already has this run’s sizes.');
      const edit = new vscode.WorkspaceEdit();
      for (const e of edits) edit.replace(specUri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
      await vscode.workspace.applyEdit(edit);
      await vscode.window.showTextDocument(document);
      return;
    }
    const document = activeSpec();
    if (!document) return void vscode.window.showInformationMessage('Open a trained .dnn spec to shrink it.');
    // The server's code action: the same edit the editor's light bulb offers.
    const whole = new vscode.Range(0, 0, document.lineCount, 0);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, whole, vscode.CodeActionKind.RefactorRewrite.value)) ?? [];
    const action = actions.find((a) => a.title === SHRINK_TITLE);
    if (!action?.edit) return void vscode.window.showInformationMessage('Nothing to shrink: train this spec first, or its layers already have the trained sizes.');
    await vscode.workspace.applyEdit(action.edit);
  };

  const pickRun = async (document: vscode.TextDocument | undefined): Promise<RunInfo | undefined> => {
    if (!document) return undefined;
    const list: RunInfo[] = await client.sendRequest(RunsRequest, { uri: document.uri.toString() });
    if (list.length <= 1) return list[0];
    const choice = await vscode.window.showQuickPick(
      list.map((r) => ({ label: r.runDir.split(path.sep).pop()!, description: r.finished ? (r.stopped ? 'stopped' : 'finished') : 'unfinished', run: r })),
      { title: 'DropNeuron runs of this spec' },
    );
    return choice?.run;
  };

  return [
    vscode.commands.registerCommand('dropneuron.train', train),
    vscode.commands.registerCommand('dropneuron.stop', async (uri?: string) => {
      const target = uri ?? activeSpec()?.uri.toString() ?? [...runsRunning(runs)][0];
      if (!target) return void vscode.window.showInformationMessage('No DropNeuron training is running.');
      await stop(target);
    }),
    vscode.commands.registerCommand('dropneuron.showStats', async (node?: RunNode) => {
      if (node && 'row' in node) return showRun(runs.load(node.info.runDir, vscode.Uri.file(node.info.specPath).toString()));
      const document = activeSpec();
      const live = document ? runs.latestFor(document.uri.toString()) : undefined;
      if (live) return showRun(live);
      const past = await pickRun(document);
      if (past) return showRun(runs.load(past.runDir, document!.uri.toString()));
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
      rmSync(node.info.runDir, { recursive: true, force: true });
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
