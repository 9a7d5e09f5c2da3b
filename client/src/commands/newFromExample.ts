import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandDeps } from './deps.ts';

/** "New Spec from Example": one of the bundled examples/, as a new untitled spec. */
export function registerNewFromExampleCommand({ context }: CommandDeps): vscode.Disposable[] {
  return [
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
      // Untitled, with the example's file name beside the workspace's specs: Save (and Train, which saves first)
      // suggest `lenet-300-100.dnn`, not the first comment line that VS Code otherwise names an untitled file by.
      const document = await vscode.workspace.openTextDocument(await untitledSpecUri(choice.label));
      // In the first group, where specs are edited: not in the run panels' group, were one focused.
      const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), choice.text));
      editor.selection = new vscode.Selection(0, 0, 0, 0);
    }),
  ];
}

/**
 * An `untitled:` URI with a file path, `NAME.dnn` in the active spec's workspace folder (else the first one, else
 * the home folder), or `NAME-2.dnn` and on where that file exists or another new spec holds the name: VS Code
 * opens no untitled document over an existing file.
 */
async function untitledSpecUri(name: string): Promise<vscode.Uri> {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  const base = folder?.uri ?? vscode.Uri.file(homedir());
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
  for (let n = 1; ; n++) {
    const file = vscode.Uri.joinPath(base, `${name}${n === 1 ? '' : `-${n}`}.dnn`);
    const untitled = file.with({ scheme: 'untitled' });
    if (open.has(untitled.toString()) || (await exists(file))) continue;
    return untitled;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
