import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import { isWithin } from '../../protocol/paths.ts';

/**
 * Shows a folder (or file): in the Explorer when it lies in the workspace, else in the system's file manager.
 * The run panel's "Open folder", the threshold slider's compact export and "Open run folder" all reveal this way.
 */
export async function revealFolder(uri: vscode.Uri): Promise<void> {
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri);
  if (inWorkspace) await vscode.commands.executeCommand('revealInExplorer', uri);
  else await vscode.commands.executeCommand('revealFileInOS', uri);
}

/**
 * Whether `path` lies inside `folder` once both are resolved to real paths (symbolic links followed), so a link
 * inside a run folder cannot lead out of it. False when either does not exist, and for the folder itself. The
 * panel's host checks every path a webview asks it to open with it (the client keeps its own check: it never
 * imports the project's file store).
 */
export function isInside(path: string, folder: string): boolean {
  try {
    return isWithin(realpathSync(path), realpathSync(folder));
  } catch {
    return false;
  }
}
