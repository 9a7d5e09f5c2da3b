import * as vscode from 'vscode';
import type { ExportFormat } from '../../../protocol/modelFormats.ts';
import { exportCompactModel } from '../exportCompactModel.ts';
import type { RunNode } from '../views/runsView.ts';
import type { CommandDeps } from './deps.ts';
import { runDirOf } from './whichRun.ts';

/** "Export Compact Model…" (exportCompactModel.ts asks for the format and the file). */
export function registerExportCommand({ client }: CommandDeps): vscode.Disposable[] {
  return [
    // From the Runs view's menu (a run), the stats panel (its run folder) or a script: (runDir, target URI or path, format).
    vscode.commands.registerCommand('dropneuron.exportModel', async (node?: RunNode | string, target?: vscode.Uri | string, format?: ExportFormat) => {
      const runDir = typeof node === 'string' ? node : await runDirOf(client, node);
      if (!runDir) return void vscode.window.showInformationMessage('No run of this spec to export yet: train it first.');
      return exportCompactModel(client, runDir, target, format);
    }),
  ];
}
