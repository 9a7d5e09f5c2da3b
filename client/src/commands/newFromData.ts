import * as vscode from 'vscode';
import { SpecForDataRequest } from '../../../protocol/lsp.ts';
import { openNewSpec, untitledSpecUri } from '../untitledSpec.ts';
import type { CommandDeps } from './deps.ts';

/**
 * "New Spec from Data File…": the user picks a CSV file (or passes its URI, from the Explorer's context menu), the
 * server reads it and writes a spec for it (its columns, target, classes, a test file beside it), which opens
 * untitled beside the data's workspace folder: Train saves it there, so its data path stays as written.
 */
export function registerNewFromDataCommand({ client }: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('dropneuron.newFromData', async (given?: vscode.Uri) => {
      const file =
        given ??
        (
          await vscode.window.showOpenDialog({
            title: 'New DropNeuron spec for a data file',
            openLabel: 'Make a Spec',
            canSelectMany: false,
            filters: { 'CSV files': ['csv'] },
            ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
          })
        )?.[0];
      if (!file) return;
      const folder = vscode.workspace.getWorkspaceFolder(file)?.uri ?? vscode.Uri.joinPath(file, '..');
      const reply = await client.sendRequest(SpecForDataRequest, { path: file.fsPath, folder: folder.fsPath });
      if ('problem' in reply) {
        void vscode.window.showErrorMessage(`No spec could be made for ${vscode.workspace.asRelativePath(file)}: ${reply.problem}`);
        return;
      }
      await openNewSpec(await untitledSpecUri(reply.name.replace(/\.dnn$/, ''), folder), reply.text);
    }),
  ];
}
