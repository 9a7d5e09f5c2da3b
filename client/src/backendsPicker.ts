import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { BACKENDS, type BackendSetting } from '../../language/index.ts';
import { BackendsRequest, type BackendsReport } from '../../protocol/lsp.ts';
import { formatAdapter, formatAutoBackend, formatBackendReady } from '../../protocol/present.ts';

type Item = vscode.QuickPickItem & { backend?: BackendSetting };

/** One row per backend: whether it loads where the trainer runs, its GPU or why not, and the vocabulary's words for it. */
export function backendItems(report: BackendsReport, current: BackendSetting): Item[] {
  const mark = (backend: BackendSetting): string => (backend === current ? ' · used for runs from the editor' : '');
  return [
    {
      label: `$(sparkle) auto`,
      description: `${report.auto ? `trains on ${report.auto}` : 'nothing loads'}${mark('auto')}`,
      detail: BACKENDS.auto,
      backend: 'auto',
    },
    { label: 'backends', kind: vscode.QuickPickItemKind.Separator },
    ...report.backends.map((b): Item => ({
      label: `$(${b.loads ? 'pass' : 'circle-slash'}) ${b.backend}`,
      description: `${b.loads ? (b.adapter ? `loads, on ${formatAdapter(b.adapter)}` : `loads, ${formatBackendReady(b.backend, report)}`) : `does not load: ${b.reason ?? 'unknown'}`}${mark(b.backend)}`,
      detail: BACKENDS[b.backend],
      ...(b.loads ? { backend: b.backend } : {}),
    })),
  ];
}

/**
 * "DropNeuron: Show Backends": what the trainer's machine can train on (asked of the server, which runs the
 * trainer's Node), and picking one makes it the backend of runs started from the editor.
 */
export async function showBackends(client: LanguageClient): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'DropNeuron: checking which backends load…' }, () =>
    client.sendRequest(BackendsRequest, uri ? { uri: uri.toString() } : {}),
  );
  if ('error' in report) {
    const choice = await vscode.window.showErrorMessage(`DropNeuron: ${report.error}`, 'Open Settings');
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'dropneuron.trainer.nodePath');
    return;
  }
  const settings = vscode.workspace.getConfiguration('dropneuron.trainer', uri);
  const current = settings.get<BackendSetting>('backend') ?? 'auto';
  const picked = await vscode.window.showQuickPick(backendItems(report, current), {
    title: `DropNeuron backends: auto trains on ${formatAutoBackend(report) ?? 'nothing'} here`,
    placeHolder: 'Pick a backend for runs started from the editor (the spec’s own `backend` setting stays as written)',
    matchOnDescription: true,
  });
  if (!picked?.backend || picked.backend === current) return;
  await settings.update('backend', picked.backend, vscode.ConfigurationTarget.Workspace);
  void vscode.window.showInformationMessage(
    `DropNeuron: runs started from the editor now use ${picked.backend === 'auto' ? 'the spec’s backend (auto)' : picked.backend}.`,
  );
}
