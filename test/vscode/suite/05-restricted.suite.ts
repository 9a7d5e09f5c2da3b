import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { api, codeOf, diagnosticsWhen, open } from '../helpers.ts';

// Run on its own, in a workspace VS Code does not trust (the runner's second pass: workspace trust enabled, the
// folder never trusted); the extension API has no way to change trust from inside a session.
describe('Restricted Mode (an untrusted workspace)', () => {
  it('the workspace is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this suite runs in the runner’s untrusted pass only');
  });

  it('editor features still work: diagnostics arrive', async () => {
    const { document } = await open('broken.dnn');
    await diagnosticsWhen(document.uri, 'DNN201', (d) => d.some((x) => codeOf(x) === 'DNN201'));
  });

  it('Train with DropNeuron is refused: no run starts, no run folder is written', async () => {
    const { document } = await open('tiny.dnn');
    const dropneuron = await api();
    await vscode.commands.executeCommand('dropneuron.train', document.uri);
    // The command resolves once the server has answered: a started run is known to the extension by then
    // (the trusted pass asserts that, in 04-training).
    assert.equal(dropneuron.latestRun(document.uri), undefined);
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.equal(existsSync(join(folder, '.dropneuron')), false);
  });
});
