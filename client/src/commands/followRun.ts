import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DoneEvent, ErrorEvent } from '../../../protocol/events.ts';
import { StopRequest } from '../../../protocol/lsp.ts';
import { formatBackend } from '../../../protocol/present.ts';
import { failureView } from '../failures.ts';
import type { RunRecord } from '../runStore.ts';
import type { CommandDeps } from './deps.ts';
import { openSetting } from './openSetting.ts';
import { showRun } from './showRun.ts';

/** A run the server has just started (Train, Resume): its record, its panel, and its progress until its end. */
export function followStartedRun(deps: CommandDeps, uri: string, runId: string, title: string): RunRecord {
  const run = deps.runs.begin(uri, runId);
  showRun(deps, run);
  follow(deps, uri, runId, title);
  return run;
}

/**
 * A run's progress notification (cancel = stop) until its first epoch, when its panel has drawn the first points and
 * the status bar follows it: a notification there for the whole run covered the bottom of the panel. Then, at its
 * end, its failure, if it failed, with the buttons that fix it, or, for a run that pruned (almost) nothing or
 * everything, the trainer's guidance.
 */
function follow(deps: CommandDeps, uri: string, runId: string, title: string): void {
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) =>
      new Promise<void>((resolve) => {
        token.onCancellationRequested(() => void deps.client.sendRequest(StopRequest, { uri }));
        const subscription = deps.runs.onEvent((run, event) => {
          if (run.runId !== runId) return;
          if (event.type === 'start') progress.report({ message: `${event.model} on ${formatBackend(event)}` });
          if (event.type === 'epoch' || event.type === 'done' || event.type === 'error') {
            subscription.dispose();
            resolve();
          }
        });
      }),
  );
  const end = deps.runs.onEvent((run, event) => {
    if (run.runId !== runId || (event.type !== 'done' && event.type !== 'error')) return;
    end.dispose();
    deps.refreshRuns();
    if (event.type === 'error') void showFailure(deps.log, event, uri);
    else void showGuidance(deps, event, uri);
  });
}

/**
 * A finished run that pruned (almost) nothing or everything says so, and what to try (the summary's `guidance`):
 * the quiet status bar alone would let it pass for a success.
 */
async function showGuidance(deps: CommandDeps, done: DoneEvent, uri: string): Promise<void> {
  const guidance = done.summary.guidance;
  if (!guidance) return;
  // Named by its spec (the sentence itself starts with DropNeuron): which run of several it was.
  const message = `${path.basename(vscode.Uri.parse(uri).fsPath)}: ${guidance}`;
  deps.log.info(`run finished: ${message}`);
  const show = 'Show Training Stats';
  if ((await vscode.window.showWarningMessage(message, show)) === show) void vscode.commands.executeCommand('dropneuron.showStats');
}

/** A failed run: its sentence and the buttons that fix it (failures.ts); the log gets it in full. */
async function showFailure(log: vscode.LogOutputChannel, event: ErrorEvent, uri: string): Promise<void> {
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
}
