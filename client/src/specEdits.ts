import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SweepPointRequest, type ShrinkResult, type SweepPointParams } from '../../protocol/lsp.ts';

/** The server's edits to a spec (Shrink, a sweep point, a threshold), as one WorkspaceEdit: one Undo takes them back. */
export async function applyEdits(document: vscode.TextDocument, edits: ShrinkResult['edits']): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits)
    edit.replace(document.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
  await vscode.workspace.applyEdit(edit);
}

/**
 * A sweep point's settings, threshold or sizes brought into the spec `specUri` (the server finds each setting's
 * place, or the block's end), then the spec shown; `unchanged` is said when the server has no edit and no reason.
 * The run panel's "Use this threshold" and "Use these settings" (an auto run's found λ) ask the same way.
 */
export async function applySweepPoint(client: LanguageClient, specUri: vscode.Uri, point: Omit<SweepPointParams, 'uri'>, unchanged: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(specUri);
  const result = await client.sendRequest(SweepPointRequest, { uri: document.uri.toString(), ...point });
  if (!result.edits.length) return void vscode.window.showInformationMessage(`DropNeuron: ${result.message ?? unchanged}`);
  await applyEdits(document, result.edits);
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
}
