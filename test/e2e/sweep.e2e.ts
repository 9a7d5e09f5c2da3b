import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { formatMetric } from '../../protocol/present.ts';
import { pointFlaws, type SweepFile } from '../../protocol/sweep.ts';
import { appears, waitFor } from './harness.ts';
import { editorText, scenario, SMALL, useWorkbench, w, focusSpecEditor, frameWith } from './scenario.ts';

// Issue 17, the editor side: the CodeLens above a `sweep` block starts `dropneuron sweep` in a terminal, whose
// sweep folder then holds every trial's results, the front and the chart; the sweep panel opens with it and
// fills in as trials finish; Apply writes a point's settings into the spec, and Undo takes them back.

// A tiny data slice: 6 points (2 trained runs × 3 thresholds) in about a minute. After one epoch only the strong
// dropneuron (0.5) drops fc1 neurons at threshold 0.08 (55 of 64 kept), which Shrink needs. A point is judged on the
// 100 validation images, where one image is a point of accuracy: pruning there costs 4–6 points of a model at 30 %,
// so `tolerance 10` keeps those points sound, and threshold 1's 22–25 points stay past it.
// Threshold 1 prunes every neuron of both runs (issue 29): the smallest models of the sweep, at chance, which a
// front of error against size alone would put first. `validation 100` holds the last 100 of the 500 images out:
// the front is chosen on them, never on the test set it is reported on.
const SPEC = `${SMALL(1)
  .replace('model small', 'model swept')
  .replace('limit=2000', 'limit=500')
  .replace('  threshold 0.08\n', '  threshold 0.08\n  tolerance 10\n')
  .replace('  seed 1\n', '  seed 1\n  validation 100\n')}
sweep {
  dropneuron 0.01 0.5
  threshold 0.05 0.08 1
}
`;

// LeNet-300-100 (784 → 300 → 100 → 10), the shape the published results' table knows: its sweep panel marks
// them. Two one-epoch runs on 500 images: far from those results, which is what the chart is there to show.
const ANCHORED = `model anchored {
  data mnist limit=500
  input 784
  dense fc1 300 relu
  dense fc2 100 relu
  dense out 10
}

regularize {
  l1 0.0001
  dropneuron 0.001
  threshold 0.01
}

train {
  epochs 1
  batch 100
  seed 1
}

sweep {
  dropneuron 0.001 0.01
}
`;

useWorkbench(() => ({ 'swept.dnn': SPEC, 'anchored.dnn': ANCHORED }));

describe('sweeps from the editor', () => {
  scenario('1. the CodeLens above `sweep` says what it trains and runs the sweep in a terminal', async () => {
    // From the Explorer: Quick Open's file search can take longer than its wait on a busy machine.
    await w.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'swept.dnn' }).first().click();
    await w.page.locator('.tab.active[aria-label*="swept.dnn"]').waitFor({ timeout: 30_000 });
    const lens = w.page.locator('.codelens-decoration a', { hasText: 'Sweep with DropNeuron: 2 runs × 3 thresholds' }).first();
    await lens.waitFor({ timeout: 30_000 });
    await w.screenshot('sweep-1-lens');
    await lens.click();
    await appears(w.page.locator('.terminal-tab, .single-terminal-tab, .tabs-list .terminal-tabs-entry', { hasText: 'DropNeuron sweep' }).first(), 30_000);
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
        ['dropneuron=0.01', 3],
        ['dropneuron=0.5', 3],
      ],
    );
    assert.ok(done.front.length >= 1);
    await w.screenshot('sweep-1-terminal-done');
  });

  scenario('2. the sweep panel shows every point and the front; Apply writes a point into the spec, Undo restores it', async () => {
    const page = w.stats();
    // The panel opened with the sweep and re-read sweep.json as the trials finished.
    await page.locator('body[data-points="6"]').waitFor({ timeout: 60_000 });
    const front = Number(await page.locator('body').getAttribute('data-front'));
    assert.ok(front >= 1 && front <= 4, `expected a front of 1 to 4 points, found ${front}`);
    assert.equal(await page.locator('tr.point').count(), 6);
    assert.equal(await page.locator('tr.point.front').count(), front);
    assert.match((await page.locator('#status').textContent()) ?? '', /6 points · \d on the front · \d broken · 2 of 2 trials done/);
    // The runs held 100 images out: ★ was chosen on them, and the page says so where it explains the table, with the
    // validation accuracy in a column of its own beside the test accuracy each point is reported with.
    assert.equal(await page.locator('body').getAttribute('data-front-set'), 'validation');
    assert.equal(
      await page.locator('#front-set').textContent(),
      'Front chosen and broken points judged on validation (100 samples held out of training); test error reported.',
    );
    assert.deepEqual(await page.locator('#points th').allTextContents(), ['Trial', 'Threshold', 'Parameters', 'Validation accuracy', 'Test accuracy', '']);
    const sweepFile = JSON.parse(readFileSync(join(w.workspace, '.dropneuron', 'sweeps', 'swept', 'sweep.json'), 'utf8')) as SweepFile;
    assert.equal(sweepFile.frontSelectedOn, 'validation');
    for (const t of sweepFile.trials)
      for (const p of t.result?.points ?? []) {
        const cell = page.locator(`tr.point[data-trial="${t.id}"][data-threshold="${p.threshold}"] td`).nth(3);
        assert.equal(await cell.textContent(), formatMetric(p.metric, p.validationMetric!), `${t.id} at ${p.threshold}: its validation accuracy`);
      }
    await w.screenshot('sweep-2-panel');

    const before = await editorText();
    // The editor's lines read as one text: the regularize block, not the sweep block's values.
    const regularize = (dropneuron: string, threshold: string): RegExp =>
      new RegExp(`regularize \\{\\s*l1 0\\.001\\s*dropneuron ${dropneuron}\\s*threshold ${threshold}\\s*tolerance 10\\s*\\}`);
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
    await focusSpecEditor(false);
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

    // Shrink to the sound point that keeps the fewest fc1 neurons: every layer at its size in that trial's compact model there.
    const sweep = JSON.parse(readFileSync(join(w.workspace, '.dropneuron', 'sweeps', 'swept', 'sweep.json'), 'utf8')) as SweepFile;
    const points = sweep.trials.flatMap((t) =>
      (t.result?.points ?? []).filter((p) => !pointFlaws(p).length).map((p) => ({ trial: t.id, threshold: p.threshold, kept: p.kept['fc1'] ?? 64 })),
    );
    const smallest = points.sort((a, b) => a.kept - b.kept)[0]!;
    const kept = smallest.kept;
    assert.ok(kept < 64, `expected a point that keeps fewer than 64 of fc1, found ${JSON.stringify(points)}`);
    await page.locator(`tr.point[data-trial="${smallest.trial}"][data-threshold="${smallest.threshold}"] button`, { hasText: 'Shrink' }).click();
    await waitFor(`Shrink to write fc1 ${kept}`, async () => (new RegExp(`dense fc1 ${kept} relu`).test(await editorText()) ? true : undefined), 60_000);
    await w.screenshot('sweep-2-shrunk');
    await focusSpecEditor(false);
    await w.page.keyboard.press('Control+Z');
    await waitFor('Undo to restore fc1', async () => (/dense fc1 64 relu/.test(await editorText()) ? true : undefined), 30_000);
  });

  scenario(
    '2b. a point at chance or past the tolerance is marked with why, never on the front, and not offered to Apply or Shrink; the chart speaks the table’s unit',
    async () => {
      const page = w.stats();
      await page.locator('body[data-points="6"]').waitFor({ timeout: 60_000 });
      // Issue 29: threshold 1 emptied both runs (22 parameters, accuracy at chance): the smallest points, which the
      // front put first and offered to Apply and Shrink.
      const wrecked = page.locator('tr.point[data-threshold="1"]');
      assert.equal(await wrecked.count(), 2);
      for (const trial of ['dropneuron=0.01', 'dropneuron=0.5']) {
        const row = page.locator(`tr.point[data-trial="${trial}"][data-threshold="1"]`);
        assert.match((await row.getAttribute('class')) ?? '', /\bbroken\b/, `${trial} at threshold 1 is marked broken`);
        assert.doesNotMatch((await row.getAttribute('class')) ?? '', /\bfront\b/, `${trial} at threshold 1 is not on the front`);
        assert.match((await row.locator('td.trial').textContent()) ?? '', /^⚠ dropneuron /);
        // Why, in plain words, in a row under it: the emptied layer, chance, and the cost against the tolerance.
        const why = (await page.locator(`tr.flaw[data-trial="${trial}"][data-threshold="1"]`).textContent()) ?? '';
        assert.match(why, /^collapsed: inputs, fc1 lost every neuron/);
        assert.match(why, /no better than chance \(guessing among 10 classes scores 10\.00 %\)/);
        assert.match(why, /cost on validation 2\d\.\d points \(\d+\.\d\d % → \d+\.\d\d %\), more than the spec's tolerance of 10\.0 points/);
        assert.equal(await row.locator('button', { hasText: 'Apply' }).count(), 0, 'a broken point offers no Apply');
        assert.equal(await row.locator('button', { hasText: 'Shrink' }).count(), 0, 'a broken point offers no Shrink');
        assert.equal(await row.locator('button', { hasText: 'Open run' }).count(), 1, 'its run is still one click away');
      }
      assert.equal(await page.locator('tr.point.front.broken').count(), 0);
      const broken = Number(await page.locator('body').getAttribute('data-broken'));
      assert.equal(await page.locator('tr.point.broken').count(), broken);
      assert.match((await page.locator('#status').textContent()) ?? '', new RegExp(`· ${broken} broken ·`));
      // sweep.json's own front (the CLI's, and frontier.svg's) leaves them out by the same rule.
      const sweep = JSON.parse(readFileSync(join(w.workspace, '.dropneuron', 'sweeps', 'swept', 'sweep.json'), 'utf8')) as SweepFile;
      assert.deepEqual(
        sweep.front.filter((f) => f.threshold === 1),
        [],
      );
      assert.match(readFileSync(join(w.workspace, '.dropneuron', 'sweeps', 'swept', 'frontier.svg'), 'utf8'), new RegExp(`${broken} broken`));
      // One unit: the chart's vertical axis is the table's Accuracy column, in %, not the error as a fraction.
      const canvas = page.locator('#chart-sweep');
      assert.equal(await canvas.getAttribute('data-y-title'), 'test accuracy after pruning (%)');
      assert.match((await page.locator('#chart-caption').textContent()) ?? '', /^Test accuracy after pruning \(%\) against parameters kept/);
      assert.equal(await page.locator('#points th').nth(4).textContent(), 'Test accuracy');
      assert.match((await page.locator('tr.point[data-threshold="1"] td').nth(4).textContent()) ?? '', /^\d+\.\d\d %$/);
      // The parameters axis spans 22 to 50,890: labelled at the powers of ten only, so no two labels overlap.
      const labels = ((await canvas.getAttribute('data-x-labels')) ?? '').split('|');
      assert.ok(labels.length >= 2 && labels.length <= 6, `expected 2 to 6 labels on the parameters axis, found ${labels.join(' ')}`);
      for (const label of labels) assert.match(label.replace(/,/g, ''), /^10+$/, `a power of ten, found ${label}`);
      await page.locator('tr.point[data-threshold="1"]').first().scrollIntoViewIfNeeded();
      await w.screenshot('sweep-2b-broken-points');
    },
  );

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
  scenario('4. Reload Window restores the sweep panel with its sweep, not an empty editor group', async () => {
    const tab = w.page.locator('.tab[aria-label*="Sweep: swept.dnn"]');
    await tab.first().waitFor({ timeout: 30_000 });
    await w.command('Developer: Reload Window');
    await w.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // Scenario 3 left the trial's run panel in front of the sweep's: bring the sweep's tab forward.
    await tab.first().waitFor({ timeout: 60_000 });
    await tab.first().click();
    const sweep = w.page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');
    await sweep.locator('body[data-page="sweep"][data-points="6"]').waitFor({ timeout: 60_000 });
    assert.equal(await sweep.locator('#title').textContent(), 'Sweep: swept');
    assert.equal(await sweep.locator('tr.point').count(), 6);
    // Its host side came back too: a point's Open run shows the trial's run.
    await sweep.locator('tr.point[data-trial="dropneuron=0.5"][data-threshold="0.08"] button', { hasText: 'Open run' }).click();
    await w.page.locator('.tab.active[aria-label*="swept.dnn · "]').first().waitFor({ timeout: 30_000 });
    await tab.first().click();
    await sweep.locator('body[data-page="sweep"][data-points="6"]').waitFor({ timeout: 30_000 });
    await w.screenshot('sweep-4-after-reload');
  });
  scenario('5. a LeNet-300-100 sweep’s panel marks the published results beside its own points, named under the chart', async () => {
    // Scenario 3 left the DropNeuron view in the side bar: the Explorer back, to open the spec from it.
    await w.command('View: Show Explorer');
    await w.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'anchored.dnn' }).first().click();
    await w.page.locator('.tab.active[aria-label*="anchored.dnn"]').waitFor({ timeout: 30_000 });
    // Its lens, not swept.dnn's ("2 runs × 3 thresholds"), whose editor may be showing too.
    const lens = w.page.locator('.codelens-decoration a', { hasText: /^Sweep with DropNeuron: 2 runs$/ }).first();
    await lens.waitFor({ timeout: 30_000 });
    await lens.click();
    const folder = join(w.workspace, '.dropneuron', 'sweeps', 'anchored');
    const done = await waitFor(
      'the LeNet-300-100 sweep to finish both trials',
      () => {
        const file = join(folder, 'sweep.json');
        if (!existsSync(file)) return undefined;
        const sweep = JSON.parse(readFileSync(file, 'utf8')) as SweepFile;
        return sweep.trials.every((t) => t.status === 'done') ? sweep : undefined;
      },
      400_000,
    );
    assert.equal(done.anchors?.model, 'LeNet-300-100');
    assert.equal(done.anchors?.points.length, 5);
    // The panel of this sweep (the other sweep's panel may be open beside it): its two points and five diamonds.
    const page = await frameWith('body[data-page="sweep"][data-points="2"][data-anchors="5"]', 120_000);
    assert.equal(await page.locator('#title').textContent(), 'Sweep: anchored');
    // Not points: the table lists the sweep's own two only, and none of them is a published result.
    assert.equal(await page.locator('tr.point').count(), 2);
    assert.equal(
      await page.locator('#chart-anchors').textContent(),
      '◆ published results for LeNet-300-100: DropNeuron 542-83-61 (98.17 %), L0 266-88-33 (98.40 %), SBP 245-160-55 (98.40 %), ' +
        'VIB 97-71-33 (98.40 %), BC-GHS 311-86-14 (98.20 %); their errors are the best test error seen during training (a checkpoint picked on the test set)',
    );
    assert.match((await page.locator('#chart-caption').textContent()) ?? '', /; published results as diamonds$/);
    await w.screenshot('sweep-5-anchors');
    // The swept model without published results says none: the first sweep's page (when still open) has no line.
    const other = await frameWith('body[data-page="sweep"][data-points="6"]', 5_000).catch(() => undefined);
    if (other) {
      assert.equal(await other.locator('body').getAttribute('data-anchors'), '0');
      assert.equal(await other.locator('#chart-anchors').isVisible(), false);
    }
  });
});
