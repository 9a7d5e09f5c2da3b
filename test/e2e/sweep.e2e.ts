import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { SweepFile } from '../../protocol/sweep.ts';
import { waitFor } from './harness.ts';
import { editorText, scenario, SMALL, useWorkbench, w, focusSpecEditor } from './scenario.ts';

// Issue 17, the editor side: the CodeLens above a `sweep` block starts `dropneuron sweep` in a terminal, whose
// sweep folder then holds every trial's results, the front and the chart; the sweep panel opens with it and
// fills in as trials finish; Apply writes a point's settings into the spec, and Undo takes them back.

// A tiny data slice: 4 points (2 trained runs × 2 thresholds) in about a minute. After one epoch only the strong
// dropneuron (0.5) drops fc1 neurons at threshold 0.08 (its threshold curve: 33 of 64 kept), which Shrink needs.
const SPEC = `${SMALL(1).replace('model small', 'model swept').replace('limit=2000', 'limit=500')}
sweep {
  dropneuron 0.01 0.5
  threshold 0.05 0.08
}
`;

useWorkbench(() => ({ 'swept.dnn': SPEC }));

describe('sweeps from the editor', () => {
  scenario('1. the CodeLens above `sweep` says what it trains and runs the sweep in a terminal', async () => {
    // From the Explorer: Quick Open's file search can take longer than its wait on a busy machine.
    await w.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'swept.dnn' }).first().click();
    await w.page.locator('.tab.active[aria-label*="swept.dnn"]').waitFor({ timeout: 30_000 });
    const lens = w.page.locator('.codelens-decoration a', { hasText: 'Sweep with DropNeuron: 2 runs × 2 thresholds' }).first();
    await lens.waitFor({ timeout: 30_000 });
    await w.screenshot('sweep-1-lens');
    await lens.click();
    await w.page
      .locator('.terminal-tab, .single-terminal-tab, .tabs-list .terminal-tabs-entry', { hasText: 'DropNeuron sweep' })
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(() => {});
    const file = join(w.workspace, '.dropneuron', 'sweeps', 'swept', 'sweep.json');
    const done = await waitFor(
      'the sweep to finish both trials',
      () => {
        if (!existsSync(file)) return undefined;
        const sweep = JSON.parse(readFileSync(file, 'utf8')) as SweepFile;
        return sweep.trials.every((t) => t.status === 'done') && existsSync(join(w.workspace, '.dropneuron', 'sweeps', 'swept', 'frontier.svg'))
          ? sweep
          : undefined;
      },
      400_000,
    );
    assert.deepEqual(
      done.trials.map((t) => [t.id, t.result?.points.length]),
      [
        ['dropneuron=0.01', 2],
        ['dropneuron=0.5', 2],
      ],
    );
    assert.ok(done.front.length >= 1);
    await w.screenshot('sweep-1-terminal-done');
  });

  scenario('2. the sweep panel shows every point and the front; Apply writes a point into the spec, Undo restores it', async () => {
    const page = w.stats();
    // The panel opened with the sweep and re-read sweep.json as the trials finished.
    await page.locator('body[data-points="4"]').waitFor({ timeout: 60_000 });
    const front = Number(await page.locator('body').getAttribute('data-front'));
    assert.ok(front >= 1 && front <= 4, `expected a front of 1 to 4 points, found ${front}`);
    assert.equal(await page.locator('tr.point').count(), 4);
    assert.equal(await page.locator('tr.point.front').count(), front);
    assert.match((await page.locator('#status').textContent()) ?? '', /4 points · \d on the front · 2 of 2 trials done/);
    await w.screenshot('sweep-2-panel');

    const before = await editorText();
    // The editor's lines read as one text: the regularize block, not the sweep block's values.
    const regularize = (dropneuron: string, threshold: string): RegExp =>
      new RegExp(`regularize \\{\\s*l1 0\\.001\\s*dropneuron ${dropneuron}\\s*threshold ${threshold}\\s*\\}`);
    assert.match(before, regularize('0\\.05', '0\\.08'));
    await page.locator('tr.point[data-trial="dropneuron=0.01"][data-threshold="0.05"] button', { hasText: 'Apply' }).click();
    await waitFor(
      'Apply to edit the spec',
      async () => {
        const t = await editorText();
        return regularize('0\\.01', '0\\.05').test(t) ? true : undefined;
      },
      30_000,
    );
    await w.screenshot('sweep-2-applied');

    // One WorkspaceEdit: one Undo takes both settings back.
    await focusSpecEditor();
    await w.page.keyboard.press('Control+Z');
    await waitFor(
      'Undo to restore the spec',
      async () => {
        const t = await editorText();
        return regularize('0\\.05', '0\\.08').test(t) ? true : undefined;
      },
      30_000,
    );
    await w.screenshot('sweep-2-undone');

    // Shrink to the point that keeps the fewest fc1 neurons: every layer at its size in that trial's compact model there.
    const sweep = JSON.parse(readFileSync(join(w.workspace, '.dropneuron', 'sweeps', 'swept', 'sweep.json'), 'utf8')) as SweepFile;
    const points = sweep.trials.flatMap((t) => (t.result?.points ?? []).map((p) => ({ trial: t.id, threshold: p.threshold, kept: p.kept['fc1'] ?? 64 })));
    const smallest = points.filter((p) => p.kept > 0).sort((a, b) => a.kept - b.kept)[0]!;
    const kept = smallest.kept;
    assert.ok(kept < 64, `expected a point that keeps fewer than 64 of fc1, found ${JSON.stringify(points)}`);
    await page.locator(`tr.point[data-trial="${smallest.trial}"][data-threshold="${smallest.threshold}"] button`, { hasText: 'Shrink' }).click();
    await waitFor(`Shrink to write fc1 ${kept}`, async () => (new RegExp(`dense fc1 ${kept} relu`).test(await editorText()) ? true : undefined), 60_000);
    await w.screenshot('sweep-2-shrunk');
    await focusSpecEditor();
    await w.page.keyboard.press('Control+Z');
    await waitFor('Undo to restore fc1', async () => (/dense fc1 64 relu/.test(await editorText()) ? true : undefined), 30_000);
  });

  scenario('3. the Runs view lists the sweep with its trials under it; a trial opens its run', async () => {
    await w.page.locator('.activitybar .action-item a[aria-label^="DropNeuron"]').click();
    const rows = w.page.locator('[id="workbench.view.extension.dropneuron"] .monaco-list-row');
    const sweepRow = rows.filter({ hasText: 'swept · sweep' }).first();
    await sweepRow.waitFor({ timeout: 30_000 });
    assert.match((await sweepRow.textContent()) ?? '', /2\/2 trials · \d on the front/);
    await sweepRow.locator('.monaco-tl-twistie').click();
    const trial = rows.filter({ hasText: 'dropneuron=0.5' }).first();
    await trial.waitFor({ timeout: 30_000 });
    await rows.filter({ hasText: 'dropneuron=0.01' }).first().waitFor();
    await w.screenshot('sweep-3-runs-view');
    await trial.click();
    await w.page.locator('.tab.active[aria-label*="swept.dnn · "]').first().waitFor({ timeout: 30_000 });
    // The trial's stats panel (the visible webview; the sweep panel's is hidden behind it) shows its finished run.
    const stats = w.page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');
    await stats.locator('#summary-box').waitFor({ timeout: 30_000 });
    await w.screenshot('sweep-3-trial-run');
  });
});
