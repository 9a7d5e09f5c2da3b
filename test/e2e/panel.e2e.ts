import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { Frame } from 'playwright-core';
import { dropneuron } from '../helpers/cli.ts';
import { waitFor } from './harness.ts';
import { frameWith, pixels, runsOf, scenario, SMALL, useWorkbench, w } from './scenario.ts';

// The stats panels as a user meets them: one per run, charts that follow the colour theme, a failed run's
// error, the pruning-damage banner, and the compare panel of runs picked together in the Runs view.

useWorkbench(() => ({
  // Far longer than the scenario needs: a still trains when b starts and ends on every backend (ort ran 8 epochs
  // of it before b's panel opened), and is stopped from its panel once b is done.
  'a.dnn': SMALL(2000).replace('model small', 'model a'),
  // A different λ, so that its curves and the compare table differ from a's.
  'b.dnn': SMALL(3).replace('model small', 'model b').replace('dropneuron 0.05', 'dropneuron 0.02'),
  // Trained twice, then compared from the command palette.
  'twice.dnn': SMALL(1).replace('model small', 'model twice'),
  'wrecked.dnn': SMALL(2).replace('model small', 'model wrecked').replace('threshold 0.08', 'threshold 0.3'),
  'bad.csv': 'x1,x2,label\n1,2,0\n3,4,1\n5\n',
  'bad.dnn': 'model bad {\n  data csv "bad.csv" target=label\n  input 2\n  dense out 1\n}\n\ntrain {\n  epochs 1\n  batch 2\n}\n',
}));

const foreground = (frame: Frame): Promise<string> => frame.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim());

/** Opens a spec from the Explorer (no file search to wait for on a busy machine) and trains it. */
async function train(spec: string): Promise<void> {
  await w.page.keyboard.press('Control+Shift+E');
  await w.page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^${spec.replace('.', '\\.')}$`) }).click();
  await w.page.locator(`.tab.active[aria-label*="${spec}"]`).waitFor();
  await w.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
  await w.command('DropNeuron: Train with DropNeuron');
}

const tab = (spec: string) => w.page.locator('.tab', { hasText: new RegExp(`^${spec.replace('.', '\\.')} · \\d\\d:\\d\\d:\\d\\d`) });

describe('the stats panels in a real VS Code (code-server)', () => {
  scenario('1. two runs at once: two panels, each titled by its spec and start time, each following its own run', async () => {
    await train('a.dnn');
    // Its panel open: the extension is active, and a trains (a command queued before activation would run
    // against whichever spec is active by then).
    await tab('a.dnn').waitFor({ timeout: 60_000 });
    await train('b.dnn');
    await tab('b.dnn').waitFor({ timeout: 60_000 });
    // The panel opens as Train is pressed; the run folder comes once the trainer has loaded (seconds on a busy machine).
    const runA = await waitFor("a's run folder", () => runsOf('a.dnn').at(-1), 60_000);
    assert.ok(!existsSync(join(runA, 'summary.json')), 'a still trains while b starts');
    const titles = [await tab('a.dnn').textContent(), await tab('b.dnn').textContent()];
    assert.notEqual(titles[0], titles[1]);
    await tab('b.dnn').click();
    const b = await frameWith('#title:text-is("DropNeuron · b")');
    await b.locator('#status', { hasText: 'done after 3 epochs' }).waitFor({ timeout: 180_000 });
    await b.locator('#norms-box:not([hidden])').waitFor();
    await tab('a.dnn').click();
    const a = await frameWith('#title:text-is("DropNeuron · a")');
    // Its own run, still live after b ended: an epoch count of a's 2000, then Stop ends it with what it trained.
    await a.locator('#status', { hasText: /^epoch [1-9]\d*\/2000/ }).waitFor({ timeout: 60_000 });
    assert.ok(!existsSync(join(runA, 'summary.json')), 'a trains on after b is done');
    await a.locator('#stop').click();
    await a.locator('#status', { hasText: /^stopped after \d+ epochs? on / }).waitFor({ timeout: 120_000 });
    await a.locator('#norms-box:not([hidden])').waitFor();
    await w.screenshot('panel-1-two-runs');
  });

  scenario('2. switching the colour theme with a panel open redraws its charts in the new colours', async () => {
    await tab('b.dnn').click();
    const frame = await frameWith('#title:text-is("DropNeuron · b")');
    await frame.locator('#summary-box:not([hidden])').waitFor();
    const light = await foreground(frame);
    const before = await pixels(frame, '#chart-loss', light);
    assert.ok(before > 30, `expected the axes drawn in the theme's foreground ${light}, found ${before} pixels`);
    mkdirSync(join(w.workspace, '.vscode'), { recursive: true });
    writeFileSync(join(w.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': 'Default Dark Modern' }));
    const dark = await waitFor('the dark theme in the webview', async () => {
      const now = await foreground(frame);
      return now && now !== light ? now : undefined;
    });
    await waitFor(
      'the charts redrawn in the dark theme',
      async () => ((await pixels(frame, '#chart-loss', dark)) > 30 && (await pixels(frame, '#chart-loss', light)) < before / 10 ? true : undefined),
      15_000,
    );
    await w.screenshot('panel-2-dark-theme');
  });

  scenario("3. a failed run's panel shows the error, not an empty chart", async () => {
    await train('bad.dnn');
    await tab('bad.dnn').waitFor({ timeout: 60_000 });
    const frame = await frameWith('#status[data-status="error"]', 120_000);
    assert.match((await frame.locator('#error').textContent()) ?? '', /^The run failed: .*bad\.csv:4: expected 3 cells, found 1/);
    assert.equal(await frame.locator('#charts').isHidden(), true, 'no empty charts');
    await w.screenshot('panel-3-failed');
  });

  scenario('4. a threshold that wrecks accuracy: the panel names the cost and the two remedies', async () => {
    await train('wrecked.dnn');
    await tab('wrecked.dnn').waitFor({ timeout: 60_000 });
    const frame = await frameWith('#title:text-is("DropNeuron · wrecked")');
    await frame.locator('#damage:not([hidden])').waitFor({ timeout: 180_000 });
    assert.match((await frame.locator('#damage-text').textContent()) ?? '', /^Pruning at threshold 0\.3 cost \d+\.\d points: \d+\.\d\d % → \d+\.\d\d % /);
    assert.deepEqual(
      (await frame.locator('#damage-remedies li').allTextContents()).map((t) => t.split(' (')[0]),
      ['Lower the threshold', 'Use a smaller dropneuron λ'],
    );
    await w.screenshot('panel-4-damage');
  });

  scenario('5. Compare: two runs picked in the Runs view, in one panel, curves overlaid and settings side by side', async () => {
    await w.page.locator('.activitybar .action-item a[aria-label^="DropNeuron"]').click();
    const runs = w.page.locator('[id="workbench.view.extension.dropneuron"] .monaco-list-row');
    const row = (model: string) => runs.filter({ hasText: new RegExp(`(^|\\s)${model} · `) }).first();
    await row('a').waitFor({ timeout: 30_000 });
    await row('a').click();
    await row('b').click({ modifiers: ['Control'] });
    await row('b').click({ button: 'right' });
    // Picked by keyboard: a click can land while the menu is still settling and be dropped (seen on a loaded machine).
    const item = w.page.locator('.monaco-menu .action-item', { hasText: 'Compare Runs' });
    await item.hover();
    await w.page.locator('.monaco-menu .action-item.focused', { hasText: 'Compare Runs' }).waitFor();
    await w.page.keyboard.press('Enter');
    const frame = await frameWith('#compare-table tr[data-row="threshold"]');
    const heads = await frame.locator('#compare-table th[data-run]').allTextContents();
    assert.deepEqual(heads.map((h) => h.split(' · ')[0]).sort(), ['a.dnn', 'b.dnn']);
    assert.deepEqual(
      await frame.locator('#compare-table tr[data-row="dropneuron λ"] td').allTextContents(),
      heads[0]!.startsWith('a') ? ['0.05', '0.02'] : ['0.02', '0.05'],
    );
    assert.equal(await frame.locator('#compare-table tr[data-row="dropneuron λ"]').getAttribute('class'), 'differs');
    await frame.locator('#compare-metric').waitFor();
    await w.screenshot('panel-5-compare');
  });

  scenario('6. Compare Runs from the command palette: the active spec’s runs, side by side', async () => {
    // One run from the editor, one from the command line beside it: both are runs of the spec.
    await train('twice.dnn');
    await waitFor(
      'the editor’s run of twice.dnn to finish',
      () => (runsOf('twice.dnn').some((d) => existsSync(join(d, 'summary.json'))) ? true : undefined),
      180_000,
    );
    const cli = dropneuron(['train', join(w.workspace, 'twice.dnn')], { timeout: 180_000 });
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(runsOf('twice.dnn').length, 2);
    await w.page.locator('.tab', { hasText: /^twice\.dnn$/ }).click();
    await w.command('DropNeuron: Compare Runs');
    const frame = await frameWith('#compare-table tr[data-row="threshold"]');
    const heads = await frame.locator('#compare-table th[data-run]').allTextContents();
    assert.deepEqual(
      heads.map((h) => h.split(' · ')[0]),
      ['twice.dnn', 'twice.dnn'],
    );
    await w.screenshot('panel-6-compare-palette');
  });
});
