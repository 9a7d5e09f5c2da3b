import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { uriExists } from './uriExists.ts';

/**
 * An `untitled:` URI with a file path, `NAME.dnn` in `folder` (else the active spec's workspace folder, else the
 * first one, else the home folder), or `NAME-2.dnn` and on where that file exists or another new spec holds the
 * name: VS Code opens no untitled document over an existing file. Save (and Train, which saves first) then suggest
 * `NAME.dnn`, not the first comment line that VS Code otherwise names an untitled file by.
 */
export async function untitledSpecUri(name: string, folder?: vscode.Uri): Promise<vscode.Uri> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const base =
    folder ?? (active && vscode.workspace.getWorkspaceFolder(active))?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
  for (let n = 1; ; n++) {
    const file = vscode.Uri.joinPath(base, `${name}${n === 1 ? '' : `-${n}`}.dnn`);
    const untitled = file.with({ scheme: 'untitled' });
    if (open.has(untitled.toString()) || (await uriExists(file))) continue;
    return untitled;
  }
}

/** A new spec's text in an untitled document, in the first editor group (where specs are edited, not among the run panels). */
export async function openNewSpec(uri: vscode.Uri, text: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
  await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), text));
  editor.selection = new vscode.Selection(0, 0, 0, 0);
  return editor;
}
