import * as vscode from 'vscode';

/** The active editor's document when it is a .dnn spec: what a command invoked from the palette acts on. */
export function activeSpec(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document?.languageId === 'dnn' ? document : undefined;
}

/** A spec given to a command: from a CodeLens it comes as a URI string (a lens's arguments travel as JSON). */
export function specUri(resource: vscode.Uri | string | undefined): vscode.Uri | undefined {
  return typeof resource === 'string' ? vscode.Uri.parse(resource) : resource;
}
