import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, diagnosticsWhen, open, positionOf, waitFor } from '../helpers.ts';

describe('language features through the vscode API', () => {
  before(async () => {
    await open('lenet.dnn');
  });

  it('diagnostics of a broken spec arrive with their codes and ranges', async () => {
    const { document } = await open('broken.dnn');
    const found = await diagnosticsWhen(
      document.uri,
      'DNN201 and DNN211',
      (d) => d.some((x) => codeOf(x) === 'DNN201') && d.some((x) => codeOf(x) === 'DNN211'),
    );
    const typo = found.find((d) => codeOf(d) === 'DNN201')!;
    assert.equal(typo.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(
      [typo.range.start.line, typo.range.start.character, typo.range.end.line, typo.range.end.character],
      [8, 16, 8, 21],
      'the range covers `reluu`',
    );
    assert.equal(document.getText(typo.range), 'reluu');
    assert.match(typo.message, /did you mean `relu`/);
    const epochs = found.find((d) => codeOf(d) === 'DNN211')!;
    assert.equal(document.getText(epochs.range), '0');
    assert.equal(epochs.range.start.line, 22);
  });

  it('the quick fix for an unknown activation applies and clears the diagnostic', async () => {
    const { document } = await open('broken.dnn');
    const found = await diagnosticsWhen(document.uri, 'DNN201', (d) => d.some((x) => codeOf(x) === 'DNN201'));
    const typo = found.find((d) => codeOf(d) === 'DNN201')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      typo.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Change to `relu`');
    assert.ok(fix, `expected the fix "Change to \`relu\`", found ${actions.map((a) => a.title).join(', ') || 'none'}`);
    assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind));
    assert.ok(fix.edit, 'the fix carries its edit');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.lineAt(8).text, '  dense fc1 300 relu');
    await diagnosticsWhen(document.uri, 'DNN201 to clear', (d) => !d.some((x) => codeOf(x) === 'DNN201') && d.some((x) => codeOf(x) === 'DNN211'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('completion after a layer size offers the activations', async () => {
    const { document } = await open('complete.dnn');
    const end = document.lineAt(positionOf(document, 'dense fc2 100 relu').line).range.end;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, end, '\n  dense fc9 50 ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const at = document.lineAt(end.line + 1).range.end;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, at);
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const a of ['relu', 'tanh', 'sigmoid', 'softmax']) assert.ok(labels.includes(a), `expected ${a} in ${labels.join(', ')}`);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('hover on an activation explains it, with the word as its range', async () => {
    const { document } = await open('lenet.dnn');
    const at = positionOf(document, 'dense fc1 300 relu', 'dense fc1 300 re'.length);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, at);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /Rectified linear unit/);
    const range = hovers.find((h) => h.range)?.range;
    assert.ok(range);
    assert.equal(document.getText(range), 'relu');
  });

  it('formatting a messy spec gives the canonical text, and formatting that gives no edits', async () => {
    const { document } = await open('messy.dnn');
    const options = { tabSize: 2, insertSpaces: true };
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', document.uri, options);
    assert.ok(edits.length > 0, 'expected formatting edits');
    const edit = new vscode.WorkspaceEdit();
    edit.set(document.uri, edits);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(document.getText(), 'model messy {\n  data mnist\n  input 784\n  dense fc1 32 relu\n  dense out 10\n}\n\ntrain {\n  epochs 2\n}\n');
    const again = await waitFor(
      'the server to see the formatted text',
      async () => {
        // No edits: VS Code answers undefined rather than [].
        const e = await vscode.commands.executeCommand<vscode.TextEdit[] | undefined>('vscode.executeFormatDocumentProvider', document.uri, options);
        return (e ?? []).length === 0 ? true : undefined;
      },
      10_000,
    );
    assert.ok(again);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
