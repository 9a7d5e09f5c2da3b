import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { RunEventsRequest, StopRequest } from '../../protocol/lsp.ts';
import type { RunRecord } from './runStore.ts';
import type { PanelActions } from './statsPanel.ts';
import { thresholdActions } from './thresholdActions.ts';

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
