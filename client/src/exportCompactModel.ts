import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExportModelRequest, type ExportModelResult } from '../../protocol/lsp.ts';
import { exportFormatOfExtension, MODEL_FORMATS, modelFormat, type ExportFormat } from '../../protocol/modelFormats.ts';
import { suggestedExportPath } from './exportPath.ts';
import { formatCount } from '../../protocol/present.ts';

/**
 * "Export Compact Model…": asks for a format and a file (a save dialog), then has the server run `dropneuron
 * export` (the extension never opens a run folder). The formats, their labels and file names come from
 * protocol/modelFormats.ts. Invoked from a script or test, `target` (a URI or a path) skips the dialog and
 * `format` the pick; without `format` the target's extension decides (anything but a file format's: a folder). Returns the
 * server's answer, or undefined when the user cancelled.
 */
export async function exportCompactModel(
  client: LanguageClient,
  runDir: string,
  target?: vscode.Uri | string,
  format?: ExportFormat,
): Promise<ExportModelResult | undefined> {
  let chosen = format ?? (target ? exportFormatOfExtension(path.extname(typeof target === 'string' ? target : target.fsPath)) : undefined);
  if (!chosen) {
    const pick = await vscode.window.showQuickPick(
      MODEL_FORMATS.map((f) => ({ label: f.label, detail: f.detail, format: f.id })),
      { title: 'Export the compact model as' },
    );
    if (!pick) return undefined;
    chosen = pick.format;
  }
  const choice = modelFormat(chosen);
  let uri = typeof target === 'string' ? vscode.Uri.file(target) : target;
  if (!uri) {
    uri = await vscode.window.showSaveDialog({
      title: `Export the compact model as ${choice.label}`,
      defaultUri: vscode.Uri.file(suggestedExportPath(runDir, choice)),
      saveLabel: 'Export',
      ...(choice.kind === 'file' ? { filters: { [choice.filterName]: [choice.extension.slice(1)] } } : {}),
    });
    if (!uri) return undefined;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `DropNeuron: exporting the compact model as ${choice.label}…` },
    () => client.sendRequest(ExportModelRequest, { runDir, format: chosen, target: uri.fsPath }),
  );
  if (result.path === undefined) {
    void vscode.window.showErrorMessage(`DropNeuron: ${result.message ?? 'the model was not exported'}`);
    return result;
  }
  const sizes =
    result.bytes !== undefined && result.otherBytes !== undefined
      ? ` (${formatCount(result.bytes)} bytes; the full model ${formatCount(result.otherBytes)})`
      : '';
  void vscode.window.showInformationMessage(`DropNeuron: exported the compact model to ${result.path}${sizes}`);
  return result;
}
