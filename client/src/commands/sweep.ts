import * as vscode from 'vscode';
import { sweepInTerminal } from '../sweep.ts';
import { SweepPanel } from '../sweepPanel.ts';
import type { RunNode } from '../views/runsView.ts';
import type { CommandDeps } from './deps.ts';
import { activeSpec, specUri } from './spec.ts';

/** "Sweep with DropNeuron" (in a terminal) and "Show Sweep" (its panel), and the panel's restore after Reload Window. */
export function registerSweepCommands(deps: CommandDeps): vscode.Disposable[] {
  const { context, client, refreshRuns } = deps;
  return [
    SweepPanel.register(context, client, refreshRuns),
    // From the CodeLens above a `sweep` block (a URI string), or the palette (the active spec).
    vscode.commands.registerCommand('dropneuron.sweep', async (resource?: vscode.Uri | string) => {
      const spec = await sweepInTerminal(context, specUri(resource));
      // The panel fills in as trials finish.
      if (spec) SweepPanel.show(context, client, spec, refreshRuns);
    }),
    // From the Runs view's sweep row, or the palette (the active spec's sweep).
    vscode.commands.registerCommand('dropneuron.showSweep', async (node?: RunNode) => {
      const spec = node && 'sweep' in node ? node.sweep.specPath : activeSpec()?.uri.fsPath;
      if (!spec) return void vscode.window.showInformationMessage('Open a .dnn spec that has been swept, or pick a sweep in the Runs view.');
      SweepPanel.show(context, client, spec, refreshRuns);
    }),
  ];
}
