import * as vscode from 'vscode';
import { uriExists } from '../uriExists.ts';
import { ImportModelRequest, type ImportModelResult } from '../../../protocol/lsp.ts';
import type { CommandDeps } from './deps.ts';
import { openSetting } from './openSetting.ts';

/** The model files Import Model… reads (docs/import.md): ONNX, and a TensorFlow.js LayersModel's model.json. */
const MODEL_FILTERS = { 'ONNX or TensorFlow.js models': ['onnx', 'json'] };

/**
 * "Import Model…": the user picks an ONNX file or a TF.js model.json (or passes its URI, from the Explorer's
 * context menu); the server runs `dropneuron import`, which writes a spec mirroring the model and its weights
 * file beside the model (never over a file: the first free name, else the name the user gives), and the spec
 * opens beside. A failure is the import's one sentence, with a button where a fix exists.
 */
export function registerImportModelCommand({ client, log }: CommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('dropneuron.importModel', async (given?: vscode.Uri) => {
      const model =
        given ??
        (
          await vscode.window.showOpenDialog({
            title: 'Import a trained model into a DropNeuron spec',
            openLabel: 'Import',
            canSelectMany: false,
            filters: MODEL_FILTERS,
            ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
          })
        )?.[0];
      if (!model) return;
      let out: vscode.Uri | undefined = await freeSpecUri(model);
      while (out) {
        const reply: ImportModelResult = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Importing ${vscode.workspace.asRelativePath(model)}…` },
          () => client.sendRequest(ImportModelRequest, { path: model.fsPath, out: out!.fsPath }),
        );
        if ('spec' in reply) {
          log.info(`imported ${model.fsPath} as ${reply.spec} (weights ${reply.weights})`);
          // Beside the editor in use; with none, where specs are edited (a first group left empty is no use).
          const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
          await vscode.window.showTextDocument(vscode.Uri.file(reply.spec), { viewColumn: column });
          return;
        }
        log.error(`importing ${model.fsPath} failed: ${reply.problem}`);
        // The sentence names the model by its absolute path; the notification by the path the user sees in the Explorer.
        out = await offerFix({ ...reply, problem: reply.problem.split(model.fsPath).join(vscode.workspace.asRelativePath(model)) }, out, log);
      }
    }),
  ];
}

/**
 * The failure's sentence, and its fix where one exists: another name for the spec (the one to try next), or the Node
 * setting. A model with several nodes the importer does not read fails with a sentence per node: the notification
 * gives the first and how many more, and Show All opens the log, which has every one.
 */
async function offerFix(reply: Extract<ImportModelResult, { problem: string }>, out: vscode.Uri, log: CommandDeps['log']): Promise<vscode.Uri | undefined> {
  const [first, ...more] = reply.problem.split('\n');
  const message = `Import failed: ${first}${more.length ? ` (and ${more.length} more like it)` : ''}`;
  if (reply.fix === 'anotherName') {
    if ((await vscode.window.showErrorMessage(message, 'Choose Another Name…')) === undefined) return undefined;
    return vscode.window.showSaveDialog({
      title: 'Where to write the imported spec',
      saveLabel: 'Import Here',
      defaultUri: out,
      filters: { 'DropNeuron spec': ['dnn'] },
    });
  }
  if (reply.fix === 'nodeSetting') {
    if (await vscode.window.showErrorMessage(message, 'Open Settings')) await openSetting('dropneuron.trainer.nodePath');
    return undefined;
  }
  if (more.length && (await vscode.window.showErrorMessage(message, 'Show All'))) log.show();
  else if (!more.length) void vscode.window.showErrorMessage(message);
  return undefined;
}

/**
 * The spec's path beside the model: NAME.dnn (a model.json is named by its folder, as TF.js saves one model per
 * folder), or NAME-2.dnn and on where the spec or its weights file (NAME.safetensors) is already there.
 */
async function freeSpecUri(model: vscode.Uri): Promise<vscode.Uri> {
  const folder = vscode.Uri.joinPath(model, '..');
  const file = model.path.slice(model.path.lastIndexOf('/') + 1);
  const stem = file.toLowerCase() === 'model.json' ? folder.path.slice(folder.path.lastIndexOf('/') + 1) || 'model' : file.replace(/\.[^.]*$/, '');
  for (let n = 1; ; n++) {
    const name = `${stem}${n === 1 ? '' : `-${n}`}`;
    const spec = vscode.Uri.joinPath(folder, `${name}.dnn`);
    if (!(await uriExists(spec)) && !(await uriExists(vscode.Uri.joinPath(folder, `${name}.safetensors`)))) return spec;
  }
}
