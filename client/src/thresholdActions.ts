import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PruneRequest, ThresholdCurveRequest, type PruneReply } from '../../protocol/lsp.ts';
import type { ThresholdCurve } from '../../protocol/runFolder.ts';
import { revealFolder } from './reveal.ts';
import { applySweepPoint } from './specEdits.ts';

/** What the run panel's threshold slider asks of the language server (the client never opens a run folder). */
export interface ThresholdActions {
  curve(runDir: string): Promise<ThresholdCurve | null>;
  /** The run re-pruned at `threshold` (`dropneuron prune --json`, in the server's child process). */
  prune(runDir: string, threshold: number): Promise<PruneReply>;
  /** "Use this threshold": the spec's `threshold` set to it, as one WorkspaceEdit (one Undo). */
  useThreshold(specUri: string, runDir: string, threshold: number): Promise<void>;
  /** "Export compact model here": the variant at `threshold` written (`prune --write`) and its compact model shown. */
  exportAt(runDir: string, threshold: number): Promise<void>;
}

export function thresholdActions(client: LanguageClient): ThresholdActions {
  return {
    curve: (runDir) => client.sendRequest(ThresholdCurveRequest, { runDir }),
    prune: (runDir, threshold) => client.sendRequest(PruneRequest, { runDir, thresholds: [threshold] }),
    // The server finds the setting's place (or the block's end) as it does for a sweep point's Apply.
    useThreshold: (specUri, runDir, threshold) =>
      applySweepPoint(client, vscode.Uri.parse(specUri), { action: 'apply', runDir, settings: {}, threshold }, 'the spec already has this threshold.'),
    async exportAt(runDir, threshold) {
      const reply = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `DropNeuron: pruning the run at threshold ${threshold}…` },
        () => client.sendRequest(PruneRequest, { runDir, thresholds: [threshold], write: true }),
      );
      if ('error' in reply) return void vscode.window.showErrorMessage(`DropNeuron: ${reply.error}`);
      const written = reply.results[0]?.written;
      if (!written?.compact)
        return void vscode.window.showErrorMessage(`DropNeuron: the run pruned at ${threshold} has no compact model (see the server's log).`);
      const open = 'Open pruned spec';
      void vscode.window.showInformationMessage(`DropNeuron: wrote the compact model at threshold ${threshold} to ${written.compact}`, open).then((choice) => {
        if (choice === open) void vscode.window.showTextDocument(vscode.Uri.file(written.prunedSpec), { viewColumn: vscode.ViewColumn.One });
      });
      await revealFolder(vscode.Uri.file(written.compact));
    },
  };
}
