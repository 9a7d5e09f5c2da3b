import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RunEventsRequest, StopRequest } from '../../protocol/lsp.ts';
import type { RunRecord } from './runStore.ts';
import { applySweepPoint } from './specEdits.ts';
import type { PanelActions } from './statsPanel.ts';
import { thresholdActions } from './thresholdActions.ts';

/** What a stats panel's buttons do: Stop, Resume, the threshold slider's, Use these settings. */
export function panelActions(client: LanguageClient): PanelActions {
  return {
    stop: (run) => void client.sendRequest(StopRequest, { uri: run.uri }),
    // The command follows the resumed run as Train does (progress, failures with their buttons).
    resume: async (run) => (run.runDir ? vscode.commands.executeCommand<RunRecord | undefined>('dropneuron.resumeRun', run.runDir) : undefined),
    threshold: thresholdActions(client),
    events: (runDir) => client.sendRequest(RunEventsRequest, { runDir }),
    // The server writes each setting on its line (or at its block's end), as it does for a sweep point's Apply.
    useSettings: (specUri, runDir, settings) =>
      applySweepPoint(client, vscode.Uri.parse(specUri), { action: 'apply', runDir, settings }, 'the spec already has these settings.'),
  };
}
