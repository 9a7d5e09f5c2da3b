import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RunEventNotification } from '../../protocol/lsp.ts';
import { registerCommands } from './commands.ts';
import { ComparePanel } from './comparePanel.ts';
import { followLiveRuns, startLanguageClient } from './languageClient.ts';
import { panelActions } from './panelActions.ts';
import { RunStore, type RunRecord } from './runStore.ts';
import { TrainingStatus } from './statusBar.ts';
import { LayersView } from './views/layersView.ts';
import { RunsView } from './views/runsView.ts';
import { StatsPanel } from './statsPanel.ts';

let client: LanguageClient | undefined;

/** What `activate` returns (`vscode.extensions.getExtension(...).exports`): read by the extension API tests (test/vscode/). */
export interface DropNeuronApi {
  /** The newest run of the spec at `uri` started in this session, as the stats panel and status bar see it. */
  latestRun(uri: vscode.Uri): RunRecord | undefined;
}

/** Activated by a .dnn file, a DropNeuron command or view, or a restored stats panel (never on startup). */
export async function activate(context: vscode.ExtensionContext): Promise<DropNeuronApi> {
  const log = vscode.window.createOutputChannel('DropNeuron', { log: true });
  context.subscriptions.push(log);
  client = await startLanguageClient(context, log);
  const runs = new RunStore();
  const status = new TrainingStatus(runs);

  const layers = new LayersView(client);
  const runsView = new RunsView(client);
  // The spec the Layers view shows: the active editor's, else the last one active while it stays open (a run's panel
  // beside it takes the focus, not the spec's place), else a visible one.
  const isSpec = (document: vscode.TextDocument | undefined): document is vscode.TextDocument => document?.languageId === 'dnn';
  layers.setDocument([vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors].map((e) => e?.document).find(isSpec));

  context.subscriptions.push(
    status,
    client,
    vscode.window.createTreeView('dropneuron.layers', { treeDataProvider: layers, showCollapseAll: false }),
    // Several runs can be selected at once: Compare Runs takes them all.
    vscode.window.createTreeView('dropneuron.runs', { treeDataProvider: runsView, canSelectMany: true }),
    layers,
    StatsPanel.register(context, runs, panelActions(client)),
    ComparePanel.register(context),
    client.onNotification(RunEventNotification, (params) => {
      // The status bar hears it from the store.
      runs.add(params.uri, params.runId, params.event);
      if (params.event.type === 'done' || params.event.type === 'error') {
        layers.refresh();
        runsView.refresh();
      } else if (params.event.type === 'start') {
        runsView.refresh();
      } else {
        runsView.refreshProgress();
      }
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (isSpec(editor?.document)) layers.setDocument(editor.document);
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (document === layers.shown) layers.setDocument(vscode.window.visibleTextEditors.map((e) => e.document).find(isSpec));
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document && e.document.languageId === 'dnn') layers.refreshSoon();
    }),
    ...registerCommands({ context, client, runs, log, refreshRuns: () => runsView.refresh(), refreshLayers: () => layers.refresh() }),
    followLiveRuns(client, runs, log, () => {
      status.render();
      runsView.refresh();
    }),
    // Said in the log so that a user (and the e2e suite) can see which settings the next run will take.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('dropneuron.trainer.overrides')) return;
      log.info(`dropneuron.trainer.overrides is now ${JSON.stringify(vscode.workspace.getConfiguration('dropneuron.trainer').get('overrides') ?? {})}`);
    }),
  );
  log.info('DropNeuron activated');
  return { latestRun: (uri) => runs.latestFor(uri.toString()) };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
