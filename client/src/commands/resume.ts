import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResumeRequest } from '../../../protocol/lsp.ts';
import type { RunRecord } from '../runStore.ts';
import type { RunNode } from '../views/runsView.ts';
import type { CommandDeps } from './deps.ts';
import { followStartedRun } from './followRun.ts';
import { openSetting } from './openSetting.ts';
import { trusted } from './train.ts';
import { runOf } from './whichRun.ts';

/**
 * "Resume Run": continues an interrupted run (its folder) from its last checkpoint, in its panel, followed like a
 * new run. From the Runs view (a row), a panel's Resume button or a failure's (the run folder).
 */
export function registerResumeCommand(deps: CommandDeps): vscode.Disposable[] {
  return [vscode.commands.registerCommand('dropneuron.resumeRun', (target?: string | RunNode) => resume(deps, target))];
}

async function resume(deps: CommandDeps, target?: string | RunNode): Promise<RunRecord | undefined> {
  const runDir = typeof target === 'string' ? target : runOf(target)?.runDir;
  if (!runDir) return void vscode.window.showInformationMessage('Pick an interrupted run in the Runs view to resume it.');
  if (!trusted()) return undefined;
  // The server resumes runs of specs the editor has (the same rule as Train): open the run's spec, unshown, when
  // it is not open already (a Runs view row after a reload, a failure's Resume button).
  const spec =
    typeof target === 'string' ? deps.runs.byRunDir(runDir)?.uri : target && runOf(target) ? vscode.Uri.file(runOf(target)!.specPath).toString() : undefined;
  if (spec) await vscode.workspace.openTextDocument(vscode.Uri.parse(spec)).then(undefined, () => undefined);
  const result = await deps.client.sendRequest(ResumeRequest, { runDir });
  if (!result.started) {
    const choice = await vscode.window.showWarningMessage(`DropNeuron: ${result.message}`, ...(result.setting ? ['Open Settings'] : []));
    if (choice && result.setting) await openSetting(result.setting);
    return undefined;
  }
  const uri = result.uri ?? '';
  deps.log.info(`resuming ${runDir} (${result.runId})`);
  const run = followStartedRun(deps, uri, result.runId, `Resuming ${path.basename(runDir)} with DropNeuron`);
  deps.refreshRuns();
  return run;
}
