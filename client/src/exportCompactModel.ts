import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ExportFormat } from '../../protocol/events.ts';
import { ExportModelRequest, type ExportModelResult } from '../../protocol/lsp.ts';
import { formatCount } from '../../protocol/present.ts';

const CHOICES: { format: ExportFormat; label: string; detail: string; file: string; filters?: Record<string, string[]> }[] = [
  { format: 'onnx', label: 'ONNX', detail: 'model.onnx: one file for onnxruntime, TensorRT, OpenVINO, …', file: 'model.onnx', filters: { ONNX: ['onnx'] } },
  {
    format: 'safetensors',
    label: 'PyTorch (safetensors)',
    detail: 'model.safetensors and a model.py beside it that builds the nn.Sequential and loads it',
    file: 'model.safetensors',
    filters: { safetensors: ['safetensors'] },
  },
  { format: 'tfjs', label: 'TensorFlow.js', detail: 'a folder with model.json and weights.bin', file: 'compact-tfjs' },
];

/** The format a target's name says: .onnx, .safetensors, anything else a TensorFlow.js folder. */
function formatOf(target: string): ExportFormat {
  const ext = path.extname(target).toLowerCase();
  return ext === '.onnx' ? 'onnx' : ext === '.safetensors' ? 'safetensors' : 'tfjs';
}

/**
 * "Export Compact Model…": asks for a format and a file (a save dialog), then has the server run `dropneuron
 * export` (the extension never opens a run folder). Invoked from a script or test, `target` (a URI or a path)
 * skips the dialog and `format` the pick; without `format` the target's extension decides. Returns the
 * server's answer, or undefined when the user cancelled.
 */
export async function exportModel(
  client: LanguageClient,
  runDir: string,
  target?: vscode.Uri | string,
  format?: ExportFormat,
): Promise<ExportModelResult | undefined> {
  let chosen = format ?? (target ? formatOf(typeof target === 'string' ? target : target.fsPath) : undefined);
  if (!chosen) {
    const pick = await vscode.window.showQuickPick(
      CHOICES.map((c) => ({ label: c.label, detail: c.detail, format: c.format })),
      { title: 'Export the compact model as' },
    );
    if (!pick) return undefined;
    chosen = pick.format;
  }
  const choice = CHOICES.find((c) => c.format === chosen)!;
  let uri = typeof target === 'string' ? vscode.Uri.file(target) : target;
  if (!uri) {
    uri = await vscode.window.showSaveDialog({
      title: `Export the compact model as ${choice.label}`,
      defaultUri: vscode.Uri.file(path.join(runDir, 'compact', choice.file)),
      saveLabel: 'Export',
      ...(choice.filters ? { filters: choice.filters } : {}),
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
