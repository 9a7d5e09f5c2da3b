import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { Summary } from '../../protocol/events.ts';
import { generate, TASKS } from '../../scripts/tabular-tasks.ts';
import { waitFor } from './harness.ts';
import { frameWith, pixels, runsOf, scenario, text, useWorkbench, w, focusSpecEditor } from './scenario.ts';

// Issue 27's new user: a spec for their own CSV (8 columns, 4 of which carry a 3-class label), written with
// `dropneuron auto` and nothing tuned. Trained from the editor, it prunes; its panel charts λ per epoch beside the
// validation accuracy and its tolerance band; "Use these settings" writes the λ it found into the spec in place of
// `auto` (one Undo takes it back). A spec with the old snippet's fixed λ, which prunes nothing, says so: a banner in
// its panel and a notification.

const TASK = generate(
  TASKS.find((t) => t.name === 'user-8c-4i-3k')!,
  2000,
);

/** What a new user writes for their table: the layers, and `dropneuron auto` for the strength. */
const SPEC = `model churn {
  data csv "customers.csv" target=y
  input 8
  task classify
  dense fc1 64 relu
  dense out 3
}

regularize {
  dropneuron auto
}

train {
  epochs 20
  batch 32
  seed 1
}
`;

useWorkbench(() => ({
  'customers.csv': TASK.csvText,
  'churn.dnn': SPEC,
  // The old snippet's λ: too weak to prune anything on this table.
  'weak.dnn': SPEC.replace('model churn', 'model weak').replace('dropneuron auto', 'dropneuron 0.0005'),
}));

/** The spec's editor text, whichever group has the focus (a click in the panel leaves the panel's group active). */
const specText = (): Promise<string> => text('.editor-group-container .monaco-editor .view-lines');

const tab = (spec: string) => w.page.locator('.tab', { hasText: new RegExp(`^${spec.replace('.', '\\.')} · \\d\\d:\\d\\d:\\d\\d`) });

/** The finished run's summary.json (what the panel shows, read from the run folder). */
function summaryOf(spec: string): Summary {
  const runDir = runsOf(spec).at(-1);
  assert.ok(runDir, `expected a run folder of ${spec}`);
  return JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Summary;
}

describe('dropneuron auto in a real VS Code (code-server)', () => {
  scenario('1. a new user’s CSV spec with dropneuron auto prunes, and its panel charts λ per epoch beside the validation accuracy', async () => {
    await w.openFile('churn.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    await tab('churn.dnn').waitFor({ timeout: 60_000 });
    const frame = await frameWith('#title:text-is("DropNeuron · churn")');
    await frame.locator('#status[data-status="done"]').waitFor({ timeout: 240_000 });
    await frame.locator('#auto-box:not([hidden])').waitFor();
    const summary = summaryOf('churn.dnn');
    assert.ok(summary.auto, `expected the summary to say what auto found, found ${JSON.stringify(summary)}`);

    // It visibly prunes: neurons or input columns go, and the panel says so.
    const fc1 = summary.layers.find((l) => l.name === 'fc1')!;
    assert.ok(fc1.neuronsKept < fc1.neuronsTotal || summary.inputs.kept < summary.inputs.total, `expected pruning, found ${JSON.stringify(summary.layers)}`);
    assert.equal(await frame.locator('.layer[data-layer="fc1"] .layer-label').textContent(), `fc1 64 → ${fc1.neuronsKept}`);
    assert.equal(await frame.locator('[data-card="inputs"] .value').textContent(), `${summary.inputs.kept} of 8`);

    // λ per epoch on its chart, the validation accuracy in its band beside it, the λ found on a card.
    const blue = await frame.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim());
    const lambdaPixels = await pixels(frame, '#chart-lambda', blue || '#3794ff');
    assert.ok(lambdaPixels > 50, `expected λ drawn on its chart, found ${lambdaPixels} pixels`);
    const orange = await frame.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-orange').trim());
    const validationPixels = await pixels(frame, '#chart-validation', orange || '#d18616');
    assert.ok(validationPixels > 50, `expected the validation accuracy drawn, found ${validationPixels} pixels`);
    assert.match((await frame.locator('[data-card="validation"] .label').textContent()) ?? '', /^validation accuracy after pruning$/);
    assert.equal(await frame.locator('[data-card="lambda"] .label').textContent(), 'dropneuron λ found by auto');
    assert.match(
      (await frame.locator('#auto-verdict').textContent()) ?? '',
      /^Settled on λ [\d.e-]+: the strongest that kept the validation accuracy within 1 point of /,
    );
    await frame.locator('#auto-box').scrollIntoViewIfNeeded();
    await w.screenshot('auto-1-panel');
  });

  scenario('2. Use these settings writes the λ found into the spec in place of dropneuron auto; Undo restores it', async () => {
    const settings = summaryOf('churn.dnn').auto!.settings;
    const frame = await frameWith('#title:text-is("DropNeuron · churn")');
    await frame.locator('#use-settings-box:not([hidden])').waitFor();
    assert.match(
      (await frame.locator('#use-settings-detail').textContent()) ?? '',
      new RegExp(`^Writes dropneuron ${String(settings.dropneuron).replace('.', '\\.')}[ ,]`),
    );
    // The spec's editor, as a user's click makes it the active one again.
    await focusSpecEditor(false);
    assert.match(await specText(), /dropneuron auto/);
    await frame.locator('#use-settings').click();
    const written = `dropneuron ${settings.dropneuron}`;
    await waitFor(
      `Use these settings to write ${written}`,
      async () => {
        const now = await specText();
        return now.includes(written) && !/dropneuron auto/.test(now) ? true : undefined;
      },
      30_000,
    );
    // Every setting the run says reproduces it is in the spec now (e.g. the validation rows it held out).
    const now = await specText();
    for (const [name, value] of Object.entries(settings)) assert.ok(now.includes(`${name} ${value}`), `expected ${name} ${value} in the spec, found:\n${now}`);
    await w.screenshot('auto-2-used');

    // The spec's editor in the first group (the panel's group may be the active one after the click on its button).
    await focusSpecEditor(false);
    await w.page.keyboard.press('Control+Z');
    await waitFor('Undo to restore dropneuron auto', async () => (/dropneuron auto/.test(await specText()) ? true : undefined), 30_000);
  });

  scenario('3. a fixed λ that prunes nothing says so: a banner in its panel and a notification, both naming what to try', async () => {
    await w.openFile('weak.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    await tab('weak.dnn').waitFor({ timeout: 60_000 });
    await tab('weak.dnn').click();
    const frame = await frameWith('#title:text-is("DropNeuron · weak")');
    await frame.locator('#guidance:not([hidden])').waitFor({ timeout: 240_000 });
    const guidance = summaryOf('weak.dnn').guidance;
    assert.ok(guidance, 'expected the summary of a run that pruned nothing to carry guidance');
    // Its `quoted` words (settings) read as code.
    assert.equal(await frame.locator('#guidance-text').textContent(), guidance.replace(/`/g, ''));
    assert.match(guidance, /dropneuron auto/);
    assert.equal(await frame.locator('#auto-box').isHidden(), true, 'a fixed-λ run has no λ chart');
    await w.page.locator('.notifications-toasts', { hasText: `weak.dnn: ${guidance.slice(0, 40)}` }).waitFor({ timeout: 30_000 });
    await w.screenshot('auto-3-guidance');
  });
});
