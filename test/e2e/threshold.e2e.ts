import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { waitFor } from './harness.ts';
import { editorText, scenario, useWorkbench, w } from './scenario.ts';

// A short run that prunes neurons (dropneuron + l1), then its threshold curve in the run panel: the slider moves
// the threshold live, "Use this threshold" writes it into the spec, and one Undo takes it back.
const SPEC = `model tiny {
  data mnist limit=1000
  input 784
  dense fc1 64 relu
  dense out 10
}

regularize {
  l1 0.001
  dropneuron 0.05
  threshold 0.08
}

train {
  epochs 2
  batch 100
  seed 1
}
`;

useWorkbench(() => ({ 'tiny.dnn': SPEC }));

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

    const before = await editorText();
    assert.match(before, /threshold 0\.08/);
    await stats.locator('#use-threshold').click();
    await waitFor(
      'Use this threshold to edit the spec',
      async () => (new RegExp(`threshold ${chosen.replace('.', '\\.')}(?!\\d)`).test(await editorText()) ? true : undefined),
      30_000,
    );
    await w.screenshot('threshold-1-used');

    await w.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await w.page.keyboard.press('Control+Z');
    await waitFor('Undo to restore the spec', async () => (/threshold 0\.08(?!\d)/.test(await editorText()) ? true : undefined), 30_000);
    await w.screenshot('threshold-1-undone');
  });
});
