import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RunEventNotification, type RunEventParams } from '../../server/src/protocol.ts';
import { listRuns } from '../../trainer/src/runFolder.ts';
import type { DoneEvent, Summary } from '../../trainer/src/protocol.ts';
import { registerCommands } from './commands.ts';
import { startLanguageClient } from './languageClient.ts';
import { RunStore } from './runStore.ts';
import { TrainingStatus } from './statusBar.ts';
import { LayersView } from './views/layersView.ts';
import { RunsView } from './views/runsView.ts';
import { StatsPanel } from './webview/panel.ts';

let client: LanguageClient | undefined;

/** Activated by a .dnn file, a DropNeuron command or view, or a restored stats panel (never on startup). */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('DropNeuron', { log: true });
  context.subscriptions.push(log);
  client = await startLanguageClient(context, log);
  const runs = new RunStore();
  const status = new TrainingStatus();

  // The latest run summary of a spec: this session's, else the newest finished run folder beside it.
  const latestSummary = (uri: string): Summary | undefined => {
    const live = runs.latestFor(uri)?.events.find((e): e is DoneEvent => e.type === 'done');
    if (live) return live.summary;
    const file = vscode.Uri.parse(uri);
    return file.scheme === 'file' ? listRuns(file.fsPath).find((r) => r.result.done)?.result.done?.summary : undefined;
  };
  const layers = new LayersView(latestSummary);
  const runsView = new RunsView();
  layers.setDocument(vscode.window.activeTextEditor?.document.languageId === 'dnn' ? vscode.window.activeTextEditor.document : undefined);

  context.subscriptions.push(
    status,
    client,
    vscode.window.createTreeView('dropneuron.layers', { treeDataProvider: layers, showCollapseAll: false }),
    vscode.window.createTreeView('dropneuron.runs', { treeDataProvider: runsView }),
    StatsPanel.register(context, runs, (run) => void client?.sendRequest('dropneuron/stop', { uri: run.uri })),
    client.onNotification(RunEventNotification, (params: RunEventParams) => {
      const run = runs.add(params.uri, params.runId, params.event);
      status.update(run, params.event);
      if (params.event.type === 'done' || params.event.type === 'error') {
        layers.refresh();
        runsView.refresh();
      } else if (params.event.type === 'start') {
        runsView.refresh();
      }
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (!editor || editor.document.languageId === 'dnn') layers.setDocument(editor?.document);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document && e.document.languageId === 'dnn') layers.refresh();
    }),
    ...registerCommands({ context, client, runs, log, refreshRuns: () => runsView.refresh() }),
  );
  log.info('DropNeuron activated');
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
