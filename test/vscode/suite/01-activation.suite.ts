import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, fixture, waitFor } from '../helpers.ts';

describe('activation', () => {
  it('is not active before a .dnn file opens (no startup activation)', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `expected ${EXTENSION_ID} among the loaded extensions`);
    assert.equal(extension.isActive, false);
  });

  it('activates on a .dnn file, in the dnn language mode, and registers its commands', async () => {
    // Not helpers' open(), which calls activate() itself: here the .dnn file alone must activate the extension.
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fixture('lenet.dnn')));
    assert.equal(editor.document.languageId, 'dnn');
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await waitFor('the extension to activate', () => (extension.isActive ? true : undefined), 30_000);
    assert.equal(typeof extension.exports.latestRun, 'function', 'activate() returns the API');
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['dropneuron.train', 'dropneuron.stop', 'dropneuron.showStats', 'dropneuron.shrink', 'dropneuron.showBackends'])
      assert.ok(commands.includes(id), `expected the command ${id}`);
  });
});
