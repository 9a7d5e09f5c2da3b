import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { waitFor } from './harness.ts';
import { runsOf, scenario, SMALL, typePath, useWorkbench, w } from './scenario.ts';

useWorkbench(() => ({ 'exported.dnn': SMALL(1).replace('model small', 'model exported') }));

describe('Export Compact Model… in a real VS Code (code-server)', () => {
  scenario('1. a finished run lists its exported files with sizes next to the full model, and latency, in the stats panel', async () => {
    await w.openFile('exported.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    const stats = w.stats();
    await stats.locator('#summary-box:not([hidden])').waitFor({ timeout: 180_000 });
    const lines = await stats.locator('#exports li').allTextContents();
    assert.ok(
      lines.some((l) => /^onnx: [\d,]+ bytes \(full model [\d,]+, /.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /^inference on \w+, per call: batch 1 /.test(l)),
      lines.join('\n'),
    );
    assert.ok(await stats.locator('#export-model').isVisible());
    await stats.locator('#export-model').scrollIntoViewIfNeeded();
    await w.screenshot('export-1-panel');
  });

  scenario('2. the Runs view\'s "Export Compact Model…": pick ONNX, name the file in the save dialog, and the file is written', async () => {
    const runDir = runsOf('exported.dnn').at(-1)!;
    assert.ok(existsSync(join(runDir, 'compact', 'model.onnx')));
    const target = join(w.workspace, 'exported-compact.onnx');
    await w.page.locator('.activitybar .action-item a[aria-label^="DropNeuron"]').click();
    const row = w.page.locator('[id="workbench.view.extension.dropneuron"] .monaco-list-row', { hasText: 'exported ·' }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click({ button: 'right' });
    // Picked by keyboard: a click can land while the menu is still settling and be dropped (seen in CI).
    await w.page.locator('.monaco-menu .action-item', { hasText: 'Export Compact Model…' }).hover();
    await w.page.locator('.monaco-menu .action-item.focused', { hasText: 'Export Compact Model…' }).waitFor();
    await w.page.keyboard.press('Enter');
    // The format: a quick pick.
    const input = w.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill('ONNX');
    await w.page.keyboard.press('Enter');
    // The save dialog: code-server's simple file dialog, a quick input holding the path.
    await waitFor('the save dialog', async () => ((await input.inputValue()).endsWith('.onnx') ? true : undefined), 30_000);
    // Beside the spec, named after it: the run's own compact/model.onnx was suggested, and overwritten, before.
    assert.equal(await input.inputValue(), target);
    await w.screenshot('export-2-save-dialog');
    await typePath(target);
    await w.page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
    await w.page.locator('.notifications-toasts', { hasText: 'exported the compact model to' }).waitFor({ timeout: 60_000 });
    assert.ok(existsSync(target), `${target} was not written`);
    assert.deepEqual(readFileSync(target), readFileSync(join(runDir, 'compact', 'model.onnx')), 'the same model as the run wrote');
    await w.screenshot('export-2-exported');
  });
});
