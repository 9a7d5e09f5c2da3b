import * as vscode from 'vscode';
import type { DropNeuronApi } from '../../client/src/extension.ts';

export const EXTENSION_ID = 'dropneuron.dropneuron';

/** Polls `check` until it returns something other than undefined; the editor answers asynchronously. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A file of the test workspace (a fresh copy of test/vscode/fixtures/). */
export function fixture(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('expected the test workspace to be open, found no folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

/**
 * Opens a fixture in an editor and waits until the extension is active: its language client has started, so the
 * providers answer (a request sent before they are registered gets an empty answer, not a wait).
 */
export async function open(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fixture(name));
  const editor = await vscode.window.showTextDocument(document);
  await api();
  return editor;
}

/** The extension's API, once it is active. */
export async function api(): Promise<DropNeuronApi> {
  const extension = vscode.extensions.getExtension<DropNeuronApi>(EXTENSION_ID);
  if (!extension) throw new Error(`expected the extension ${EXTENSION_ID} to be loaded, found none`);
  return extension.activate();
}

/** A diagnostic's code as a string, whether the client sent it plain or with a documentation link. */
export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return String(typeof code === 'object' && code !== null ? code.value : code);
}

/** The diagnostics of `uri` once `ready` holds for them (the server analyses asynchronously). */
export function diagnosticsWhen(uri: vscode.Uri, what: string, ready: (d: vscode.Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  return waitFor(
    what,
    () => {
      const found = vscode.languages.getDiagnostics(uri);
      return ready(found) ? found : undefined;
    },
    timeoutMs,
  );
}

/** An inlay hint's text, whether its label is a string or parts. */
export function labelOf(hint: vscode.InlayHint): string {
  return typeof hint.label === 'string' ? hint.label : hint.label.map((p) => p.value).join('');
}

/** The position of the `occurrence`-th `text` in `document` (0-based), plus `offset` characters. */
export function positionOf(document: vscode.TextDocument, text: string, offset = 0): vscode.Position {
  const index = document.getText().indexOf(text);
  if (index < 0) throw new Error(`expected ${JSON.stringify(text)} in ${document.uri.fsPath}, found none`);
  return document.positionAt(index + offset);
}
