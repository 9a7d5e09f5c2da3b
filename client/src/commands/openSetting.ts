import * as vscode from 'vscode';

/**
 * The Settings editor, showing that one setting where it is set: the workspace's value when it has one (that is
 * the value that failed), else the remote's in a remote window (its User tab does not list machine settings),
 * else the user's.
 */
export function openSetting(id: string): Thenable<unknown> {
  const at = id.lastIndexOf('.');
  const where = vscode.workspace.getConfiguration(id.slice(0, at)).inspect(id.slice(at + 1));
  const command =
    where?.workspaceValue !== undefined || where?.workspaceFolderValue !== undefined
      ? 'workbench.action.openWorkspaceSettings'
      : vscode.env.remoteName
        ? 'workbench.action.openRemoteSettings'
        : 'workbench.action.openSettings';
  return vscode.commands.executeCommand(command, `@id:${id}`);
}
