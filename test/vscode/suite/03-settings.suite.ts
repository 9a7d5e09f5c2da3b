import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { labelOf, open, waitFor } from '../helpers.ts';

async function hints(document: vscode.TextDocument): Promise<string[]> {
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  const found = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, whole);
  return found.map(labelOf);
}

describe('settings', () => {
  const setting = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('dropneuron.inlayHints');

  after(async () => {
    await setting().update('enabled', undefined, vscode.ConfigurationTarget.Global);
  });

  it('inlay hints show each layer’s shape and parameters', async () => {
    const { document } = await open('lenet.dnn');
    const found = await waitFor('inlay hints', async () => {
      const h = await hints(document);
      return h.length > 0 ? h : undefined;
    });
    assert.ok(
      found.some((h) => h.includes('→ [300] · 235 500 params')),
      `expected fc1's hint, found ${JSON.stringify(found)}`,
    );
  });

  it('dropneuron.inlayHints.enabled false: no inlay hints; true again: they come back', async () => {
    const { document } = await open('lenet.dnn');
    await setting().update('enabled', false, vscode.ConfigurationTarget.Global);
    await waitFor('the hints to go', async () => ((await hints(document)).length === 0 ? true : undefined));
    await setting().update('enabled', true, vscode.ConfigurationTarget.Global);
    await waitFor('the hints to come back', async () => ((await hints(document)).length > 0 ? true : undefined));
  });
});
