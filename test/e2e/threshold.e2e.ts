import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { waitFor } from './harness.ts';
import { runsOf, scenario, SMALL, text, useWorkbench, w, focusSpecEditor } from './scenario.ts';

// A short run that prunes neurons (dropneuron + l1), then its threshold curve in the run panel: the slider moves
// the threshold live, "Use this threshold" writes it into the spec, and one Undo takes it back.
// The suite's small spec on a smaller slice: two quick epochs whose neurons the threshold range prunes.
const SPEC = SMALL(2).replace('model small', 'model tiny').replace('limit=2000', 'limit=1000');

useWorkbench(() => ({ 'tiny.dnn': SPEC }));

/** The spec's editor text, whichever group has the focus (a click in the panel leaves the panel's group active). */
const specText = (): Promise<string> => text('.editor-group-container .monaco-editor .view-lines');

describe('the threshold slider in a real VS Code (code-server)', () => {
  scenario('1. a finished run plots its threshold curve; the slider changes the kept counts; Use this threshold edits the spec; Undo restores it', async () => {
    await w.openFile('tiny.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    const stats = w.stats();
    await stats.locator('#threshold-box:not([hidden])').waitFor({ timeout: 180_000 });
    const slider = stats.locator('#threshold-slider');
    await slider.scrollIntoViewIfNeeded();
    const kept = async (): Promise<string> => (await stats.locator('#threshold-layers').textContent()) ?? '';
    const at = async (): Promise<string> => (await stats.locator('#threshold-value').textContent()) ?? '';
    assert.equal(await at(), '0.08', 'the slider starts at the run’s threshold');
    const atRun = await kept();
    await w.screenshot('threshold-1-curve');

    // The curve's far end: a threshold that cuts more, so fewer neurons are kept.
    await slider.fill(await slider.getAttribute('max').then((m) => m ?? '400'));
    await waitFor('the kept counts to change', async () => ((await kept()) !== atRun ? true : undefined), 10_000);
    const chosen = await at();
    assert.notEqual(chosen, '0.08');
    await w.screenshot('threshold-1-moved');

    // The panel has the focus now: the spec's editor becomes the active one again, as a user's click makes it —
    // near the top of its visible area (the overflow guard, which does not scroll): the lines' own box moves with
    // the scroll position, and its centre, or even its first lines once scrolled, lie off screen.
    await focusSpecEditor(false);
    const before = await specText();
    assert.match(before, /threshold 0\.08/);
    await stats.locator('#use-threshold').click();
    await waitFor(
      'Use this threshold to edit the spec',
      async () => (new RegExp(`threshold ${chosen.replace('.', '\\.')}(?!\\d)`).test(await specText()) ? true : undefined),
      30_000,
    );
    await w.screenshot('threshold-1-used');

    await focusSpecEditor(false);
    await w.page.keyboard.press('Control+Z');
    await waitFor('Undo to restore the spec', async () => (/threshold 0\.08(?!\d)/.test(await specText()) ? true : undefined), 30_000);
    await w.screenshot('threshold-1-undone');
  });

  scenario('2. released between the curve’s points, the server prunes the run exactly; Export compact model here writes that variant', async () => {
    const stats = w.stats();
    const slider = stats.locator('#threshold-slider');
    const source = async (): Promise<string> => (await stats.locator('#threshold-source').textContent()) ?? '';
    // A step or two beside the run's own threshold: between two points of the curve's grid (a point's step runs nothing).
    const start = Number(await slider.inputValue());
    let threshold = '';
    let asked = 0;
    for (const offset of [-1, 1, -2, 2, -3, 3]) {
      await slider.fill(String(start + offset));
      asked = Date.now();
      threshold = (await stats.locator('#threshold-value').textContent()) ?? '';
      if ((await source()).startsWith('Measuring')) break;
    }
    await waitFor('the exact measurement', async () => ((await source()).startsWith(`Measured at ${threshold}`) ? true : undefined), 60_000);
    console.log(`exact prune at ${threshold}: ${Date.now() - asked} ms from release to the page`);
    await w.screenshot('threshold-2-exact');
    await stats.locator('#export-at').click();
    await w.page.locator('.notifications-toasts', { hasText: `wrote the compact model at threshold ${threshold}` }).waitFor({ timeout: 60_000 });
    const runDir = runsOf('tiny.dnn').at(-1)!;
    assert.ok(existsSync(join(runDir, `pruned-${threshold}`, 'compact', 'model.json')), `expected the variant's compact model in ${runDir}`);
    await w.screenshot('threshold-2-exported');
  });
});
