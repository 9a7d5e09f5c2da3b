import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * "Sweep with DropNeuron": `dropneuron sweep SPEC` in a terminal of its own, the same command line a user would
 * type, with its one progress display (a bar per running trial). The sweep folder it writes
 * (`.dropneuron/sweeps/<model>/`) resumes when the command runs again; Ctrl-C in the terminal stops every trial.
 * A terminal rather than the language server: a sweep runs for hours and outlives the window's server, and its
 * results are files (sweep.json, frontier.svg, one run folder per trial) that the runs view already reads.
 */
/** Resolves to the spec being swept (a file path), or undefined when nothing started. */
export async function sweepInTerminal(context: vscode.ExtensionContext, resource: vscode.Uri | undefined): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('A sweep trains on this machine, so it is disabled in Restricted Mode. Trust the workspace to sweep.');
    return;
  }
  const active = vscode.window.activeTextEditor?.document;
  const document = resource ? await vscode.workspace.openTextDocument(resource) : active?.languageId === 'dnn' ? active : undefined;
  if (!document || document.isUntitled) {
    void vscode.window.showInformationMessage('Open a saved .dnn spec with a `sweep { … }` block to sweep it.');
    return;
  }
  if (document.isDirty) await document.save();
  const spec = document.uri.fsPath;
  const node = vscode.workspace.getConfiguration('dropneuron', document.uri).get<string>('trainer.nodePath') || process.execPath;
  const terminal = vscode.window.createTerminal({
    name: `DropNeuron sweep: ${path.basename(spec)}`,
    cwd: path.dirname(spec),
    shellPath: node,
    shellArgs: [context.asAbsolutePath(path.join('dist', 'cli.js')), 'sweep', spec],
    // The editor's own Node is Electron in desktop VS Code: this makes it run the CLI as plain Node.
    env: { ELECTRON_RUN_AS_NODE: '1' },
    iconPath: new vscode.ThemeIcon('graph-scatter'),
  });
  terminal.show();
  return spec;
}
