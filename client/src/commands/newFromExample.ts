import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { exampleRows } from '../examples.ts';
import { openNewSpec, untitledSpecUri } from '../untitledSpec.ts';
import type { CommandDeps } from './deps.ts';

/** "New Spec from Example": one of the bundled examples/, as a new untitled spec; the picker lists them as examples.ts orders them. */
export function registerNewFromExampleCommand({ context }: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('dropneuron.newFromExample', async () => {
      const dir = context.asAbsolutePath('examples');
      const texts = new Map(
        readdirSync(dir)
          .filter((f) => f.endsWith('.dnn'))
          .map((f) => [f.replace(/\.dnn$/, ''), readFileSync(path.join(dir, f), 'utf8')] as const),
      );
      const items = exampleRows([...texts].map(([name, text]) => ({ name, firstLine: text.split('\n')[0] ?? '' })));
      const choice = await vscode.window.showQuickPick(items, { title: 'New DropNeuron spec from an example', matchOnDetail: true });
      if (!choice) return;
      await openNewSpec(await untitledSpecUri(choice.label), texts.get(choice.label)!);
    }),
  ];
}
