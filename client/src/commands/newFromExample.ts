import { readdirSync, readFileSync } from 'node:fs';
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
      const document = await vscode.workspace.openTextDocument({ language: 'dnn', content: choice.text });
      await vscode.window.showTextDocument(document);
    }),
  ];
}
