import * as vscode from 'vscode';

/** Whether a file or folder is at `uri`, through VS Code's file system (local, remote or virtual alike). */
export async function uriExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
