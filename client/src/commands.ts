import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  DeleteRunRequest,
  ResumeRequest,
  RunEventsRequest,
  RunsRequest,
  ShrinkRequest,
  StopRequest,
  TrainRequest,
  type RunInfo,
  type ShrinkResult,
} from '../../protocol/lsp.ts';
import type { ErrorEvent, ExportFormat } from '../../protocol/events.ts';
import { epochPercent, formatBackend, formatNamedMetric } from '../../protocol/present.ts';
import type { TrainingOverrides } from '../../protocol/settings.ts';
import { showBackends } from './backendsPicker.ts';
import { exportModel } from './exportModel.ts';
import { pickOverrides } from './overridesPicker.ts';
import type { RunRecord, RunStore } from './runStore.ts';
import type { RunNode } from './views/runsView.ts';
import { failureView } from './failures.ts';
import { shrinkConfirmation } from './shrinkConfirmation.ts';
import { runName, runProgress } from './statusView.ts';
import { ComparePanel } from './comparePanel.ts';
import { revealFolder } from './reveal.ts';
import { panelTitle, StatsPanel, type PanelActions } from './statsPanel.ts';
import { thresholdActions } from './thresholdActions.ts';
import { sweepInTerminal } from './sweep.ts';
import { SweepPanel } from './sweepPanel.ts';

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
  /** The Layers view asks the server again (after Shrink rewrote the sizes it shows). */
  refreshLayers?: () => void;
}

/** What a stats panel's Stop and Resume buttons do. */
export function panelActions(client: LanguageClient): PanelActions {
  return {
    stop: (run) => void client.sendRequest(StopRequest, { uri: run.uri }),
    // The command follows the resumed run as Train does (progress, failures with their buttons).
    resume: async (run) => (run.runDir ? vscode.commands.executeCommand<RunRecord | undefined>('dropneuron.resumeRun', run.runDir) : undefined),
    threshold: thresholdActions(client),
    events: (runDir) => client.sendRequest(RunEventsRequest, { runDir }),
  };
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { context, client, runs, log } = deps;
  const stop = async (uri: string): Promise<void> => {
    await client.sendRequest(StopRequest, { uri });
  };
  const actions = panelActions(client);
  const showRun = (run: RunRecord, options?: { started?: string; interrupted?: boolean }): void => void StatsPanel.show(context, runs, run, actions, options);
  /** A run from its folder, in its own panel (or the one already showing it, live or not). */
  const showPastRun = async (info: RunInfo, uri: string): Promise<void> => {
    const live = runs.latestFor(uri);
    const options = { started: info.started, interrupted: info.state === 'interrupted' };
    if (live?.runDir === info.runDir) return showRun(live, options);
    showRun(runs.load(info.runDir, uri, await client.sendRequest(RunEventsRequest, { runDir: info.runDir })), options);
  };

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
        log.error(`training ${document.uri.fsPath} did not start: ${result.message}`);
        const choice = await vscode.window.showErrorMessage(`DropNeuron: ${result.message}`, 'Open Settings');
        if (choice) await openSetting(result.setting ?? 'dropneuron.trainer.overrides');
      } else {
        void vscode.window.showWarningMessage(`DropNeuron: ${result.message}`);
      }
      return;
    }
    log.info(`training ${document.uri.fsPath} (${result.runId})`);
    showRun(runs.begin(uri, result.runId));
    follow(uri, result.runId, `Training ${path.basename(document.uri.fsPath)} with DropNeuron`);
  };

  /** A run's progress notification (cancel = stop) until its end; then its failure, if it failed, with the buttons that fix it. */
  const follow = (uri: string, runId: string, title: string): void => {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          token.onCancellationRequested(() => void stop(uri));
          let last = 0;
          const subscription = runs.onEvent((run, event) => {
            if (run.runId !== runId) return;
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
              if (event.type === 'error') void showFailure(event, uri);
            }
          });
        }),
    );
  };

  /** A failed run: its sentence and the buttons that fix it (failures.ts); the log gets it in full. */
  const showFailure = async (event: ErrorEvent, uri: string): Promise<void> => {
    const spec = vscode.Uri.parse(uri);
    const view = failureView(event, path.basename(spec.fsPath));
    log.error(`${view.message}${event.stderrTail ? `\n[trainer stderr, last lines]\n${event.stderrTail}` : ''}`);
    const choice = await vscode.window.showErrorMessage(`DropNeuron: ${view.message}`, ...view.actions.map((a) => a.title));
    const action = view.actions.find((a) => a.title === choice);
    if (!action) return;
    switch (action.title) {
      case 'Open Settings':
        return void openSetting(action.setting);
      case 'Show Log':
        return log.show();
      case 'Show Backends':
        return void vscode.commands.executeCommand('dropneuron.showBackends');
      case 'Resume':
        return void vscode.commands.executeCommand('dropneuron.resumeRun', action.runDir);
      case 'Open Spec': {
        const document = await vscode.workspace.openTextDocument(action.file ? vscode.Uri.file(action.file) : spec);
        const found = action.find
          ? document
              .getText()
              .split(/\r?\n/)
              .findIndex((l) => action.find!.test(l))
          : -1;
        const line = action.line ?? Math.max(0, found);
        await vscode.window.showTextDocument(document, {
          selection: new vscode.Range(line, 0, line, document.lineAt(Math.min(line, document.lineCount - 1)).text.length),
        });
      }
    }
  };

  /** Continues an interrupted run (its folder) from its last checkpoint, in its panel, followed like a new run. */
  const resume = async (target?: string | RunNode): Promise<RunRecord | undefined> => {
    const runDir = typeof target === 'string' ? target : target && 'row' in target ? target.info.runDir : undefined;
    if (!runDir) return void vscode.window.showInformationMessage('Pick an interrupted run in the Runs view to resume it.');
    const result = await client.sendRequest(ResumeRequest, { runDir });
    if (!result.started) {
      const choice = await vscode.window.showWarningMessage(`DropNeuron: ${result.message}`, ...(result.setting ? ['Open Settings'] : []));
      if (choice && result.setting) await openSetting(result.setting);
      return undefined;
    }
    const uri = result.uri ?? '';
    log.info(`resuming ${runDir} (${result.runId})`);
    const run = runs.begin(uri, result.runId);
    showRun(run);
    follow(uri, result.runId, `Resuming ${path.basename(runDir)} with DropNeuron`);
    deps.refreshRuns();
    return run;
  };

  /** Applies the server's shrink edits: from a run of the Runs view, or the active spec's latest run. */
  const shrink = async (node?: RunNode): Promise<void> => {
    const fromRun = node && 'row' in node ? node.info : undefined;
    const document = fromRun ? await vscode.workspace.openTextDocument(vscode.Uri.file(fromRun.specPath)) : activeSpec();
    if (!document) return void vscode.window.showInformationMessage('Open a trained .dnn spec to shrink it.');
    const params = { uri: document.uri.toString(), ...(fromRun ? { runDir: fromRun.runDir } : {}) };
    const { edits, summary }: ShrinkResult = await client.sendRequest(ShrinkRequest, params);
    if (!edits.length) {
      const why = fromRun
        ? 'The spec already has this run’s sizes.'
        : 'Nothing to shrink: train this spec first, or its layers already have the trained sizes.';
      return void vscode.window.showInformationMessage(why);
    }
    // Sizes a pruning that wrecked the model chose are not worth having without a word: ask, showing the cost.
    const confirm = summary ? shrinkConfirmation(summary) : undefined;
    if (confirm) {
      const choice = await vscode.window.showWarningMessage(confirm.message, { modal: true, detail: confirm.detail }, 'Shrink Anyway');
      if (choice !== 'Shrink Anyway') return;
    }
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits)
      edit.replace(document.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
    await vscode.workspace.applyEdit(edit);
    if (fromRun) await vscode.window.showTextDocument(document);
    // The view's rows come from the server: ask again now that the sizes changed (an edit to a spec that is
    // not the active editor's does not refresh it).
    deps.refreshLayers?.();
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
    // From the CodeLens above a model, the spec comes as a URI string (a lens's arguments travel as JSON).
    vscode.commands.registerCommand('dropneuron.train', (resource?: vscode.Uri | string) =>
      train(typeof resource === 'string' ? vscode.Uri.parse(resource) : resource),
    ),
    // The CodeLens "last run …": that run of the spec, in its panel.
    vscode.commands.registerCommand('dropneuron.showRun', async (runDir: string, uri: string) => {
      const info = (await client.sendRequest(RunsRequest, { uri })).find((r) => r.runDir === runDir);
      if (info) return showPastRun(info, uri);
      void vscode.window.showInformationMessage(`The run ${path.basename(runDir)} is gone: it may have been deleted.`);
    }),
    vscode.commands.registerCommand('dropneuron.showBackends', () => showBackends(client)),
    // From the CodeLens above a `sweep` block (a URI string), or the palette (the active spec).
    vscode.commands.registerCommand('dropneuron.sweep', async (resource?: vscode.Uri | string) => {
      const spec = await sweepInTerminal(context, typeof resource === 'string' ? vscode.Uri.parse(resource) : resource);
      // The panel fills in as trials finish.
      if (spec) SweepPanel.show(context, client, spec, deps.refreshRuns);
    }),
    // From the Runs view's sweep row, or the palette (the active spec's sweep).
    vscode.commands.registerCommand('dropneuron.showSweep', async (node?: RunNode) => {
      const spec = node && 'sweep' in node ? node.sweep.specPath : activeSpec()?.uri.fsPath;
      if (!spec) return void vscode.window.showInformationMessage('Open a .dnn spec that has been swept, or pick a sweep in the Runs view.');
      SweepPanel.show(context, client, spec, deps.refreshRuns);
    }),
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
      if (node && 'row' in node) return showPastRun(node.info, vscode.Uri.file(node.info.specPath).toString());
      const document = activeSpec();
      const live = document ? runs.latestFor(document.uri.toString()) : undefined;
      if (live) return showRun(live);
      const past = await pickRun(document);
      if (past) return showPastRun(past, document!.uri.toString());
      void vscode.window.showInformationMessage('No training run to show yet: run “DropNeuron: Train with DropNeuron”.');
    }),
    vscode.commands.registerCommand('dropneuron.shrink', shrink),
    vscode.commands.registerCommand('dropneuron.resumeRun', resume),
    // The status bar's click with several runs live: which run to show.
    vscode.commands.registerCommand('dropneuron.pickRun', async () => {
      const live = runs.live();
      if (!live.length) return void vscode.commands.executeCommand('dropneuron.showStats');
      const choice = await vscode.window.showQuickPick(
        live.map((run) => ({ label: runName(run), description: runProgress(run), ...(run.runDir ? { detail: run.runDir } : {}), run })),
        { title: 'DropNeuron: show a training run' },
      );
      if (choice) showRun(choice.run);
    }),
    // From the Runs view's context menu: VS Code passes the clicked run and every selected one.
    vscode.commands.registerCommand('dropneuron.compareRuns', async (node?: RunNode, selected?: RunNode[]) => {
      const infos = [...(selected?.length ? selected : node ? [node] : [])].flatMap((n) => ('row' in n ? [n.info] : []));
      if (infos.length < 2) return void vscode.window.showInformationMessage('Select two or more runs in the Runs view (Ctrl/Cmd+click), then Compare Runs.');
      const compared = await Promise.all(
        infos.map(async (info) => {
          const events = await client.sendRequest(RunEventsRequest, { runDir: info.runDir });
          return { runId: info.runDir, title: panelTitle({ uri: vscode.Uri.file(info.specPath).toString(), events }, info.started), events };
        }),
      );
      ComparePanel.show(context, compared);
    }),
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
    // From the Runs view's menu (a run), the stats panel (its run folder) or a script: (runDir, target URI or path, format).
    vscode.commands.registerCommand('dropneuron.exportModel', async (node?: RunNode | string, target?: vscode.Uri | string, format?: ExportFormat) => {
      const runDir = typeof node === 'string' ? node : node && 'row' in node ? node.info.runDir : (await pickRun(activeSpec()))?.runDir;
      if (!runDir) return void vscode.window.showInformationMessage('No run of this spec to export yet: train it first.');
      return exportModel(client, runDir, target, format);
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

/**
 * The Settings editor, showing that one setting where it is set: the workspace's value when it has one (that is
 * the value that failed), else the remote's in a remote window (its User tab does not list machine settings),
 * else the user's.
 */
function openSetting(id: string): Thenable<unknown> {
  const at = id.lastIndexOf('.');
  const where = vscode.workspace.getConfiguration(id.slice(0, at)).inspect(id.slice(at + 1));
  const command =
    where?.workspaceValue !== undefined || where?.workspaceFolderValue !== undefined
      ? 'workbench.action.openWorkspaceSettings'
      : vscode.env.remoteName
        ? 'workbench.action.openRemoteSettings'
        : 'workbench.action.openSettings';
  return vscode.commands.executeCommand(command, `@id:${id}`);
}

function* runsRunning(runs: RunStore): Iterable<string> {
  for (const document of vscode.workspace.textDocuments) if (runs.running(document.uri.toString())) yield document.uri.toString();
}
