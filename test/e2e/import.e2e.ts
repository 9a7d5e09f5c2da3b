import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { onnxModel } from '../../trainer/src/export/onnx.ts';
import type { Plan } from '../../trainer/src/export/plan.ts';
import { dropneuron } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { OUT, waitFor } from './harness.ts';
import { editorText, exportOnnx, frameWith, pixels, scenario, setOverrides, SMALL, typePath, useWorkbench, w } from './scenario.ts';

// Bring your own model (issue 30): an ONNX file in the workspace imported with Import Model…, the spec it writes
// trained from the imported weights (the run's panel draws their accuracy as the reference line), then exported.

useWorkbench(() => ({}));

const input = () => w.page.locator('.quick-input-widget .quick-input-box input');

/** An ONNX model trained elsewhere: our own exporter's compact model.onnx of a short run (an MLP on MNIST). */
function trainedOnnx(): string {
  const dir = tempDir('dnn-e2e-import-');
  writeFileSync(join(dir, 'small.dnn'), SMALL(2));
  const r = dropneuron(['train', join(dir, 'small.dnn'), '--out', join(dir, 'run')], { timeout: 240_000 });
  assert.equal(r.status, 0, r.stderr);
  return join(dir, 'run', 'compact', 'model.onnx');
}

describe('bring your own model: Import Model… → the spec opens → Train → the reference line → Export', () => {
  scenario('1. an ONNX file in the workspace imported, trained from its weights with their accuracy as the reference line, and exported', async () => {
    mkdirSync(join(w.workspace, 'models'), { recursive: true });
    const model = join(w.workspace, 'models', 'mlp.onnx');
    copyFileSync(trainedOnnx(), model);
    await w.command('DropNeuron: Import Model…');
    await waitFor('the file dialog', async () => ((await input().isVisible()) && (await input().inputValue()).startsWith('/') ? true : undefined), 30_000);
    await typePath(model);
    await w.screenshot('import-1-pick');
    await w.page.locator('.quick-input-widget .monaco-button', { hasText: /^(OK|Import)$/ }).click();

    // The spec beside the model, open beside: the imported layers and the weights file it names.
    const spec = join(w.workspace, 'models', 'mlp.dnn');
    await w.page.locator('.editor-group-container .tab.active[aria-label*="mlp.dnn"]').waitFor({ timeout: 60_000 });
    await waitFor('the imported spec', async () => ((await editorText()).includes('weights "mlp.safetensors"') ? true : undefined), 30_000);
    assert.ok(existsSync(spec) && existsSync(join(w.workspace, 'models', 'mlp.safetensors')));
    assert.match(readFileSync(spec, 'utf8'), /^ {2}dense fc1 \d+ relu\n {2}dense fc2 10$/m);
    await w.page.locator('.activitybar .action-item a[aria-label^="DropNeuron"]').click();
    await w.page.locator('[id="workbench.view.extension.dropneuron"] .monaco-list-row', { hasText: 'imported' }).first().waitFor({ timeout: 30_000 });
    await w.screenshot('import-1-spec');

    // Train: the run starts from the imported weights; the panel shows their accuracy, as a card and as the line. A
    // short fine-tuning (the extension is active now, and reads the setting): the imported spec says 10 epochs on all of MNIST.
    await setOverrides({ epochs: 3, limit: 5000 });
    await w.page.locator('.tab[data-resource-name="mlp.dnn"]').first().click();
    await w.command('DropNeuron: Train with DropNeuron');
    // Runs go beside the spec: models/.dropneuron/runs.
    const runs = join(w.workspace, 'models', '.dropneuron', 'runs');
    const runDir = await waitFor('a run of mlp.dnn', () => (existsSync(runs) ? readdirSync(runs).map((d) => join(runs, d))[0] : undefined), 60_000);
    const stats = w.stats();
    await stats.locator('#overview [data-card="imported"]').waitFor({ timeout: 120_000 });
    await stats.locator('#summary-box:not([hidden])').waitFor({ timeout: 300_000 });
    const start = JSON.parse(readFileSync(join(runDir, 'events.jsonl'), 'utf8').split('\n')[0]!) as { imported?: { value: number } };
    assert.ok(start.imported && start.imported.value > 0.5, JSON.stringify(start.imported));
    const card = (await stats.locator('#overview [data-card="imported"] .value').textContent()) ?? '';
    assert.equal(card.replace(/\u00a0/g, ' '), `${(100 * start.imported.value).toFixed(2)} %`);
    const frame = await frameWith('#chart-metric');
    const yellow = await frame.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-yellow').trim() || '#cca700');
    await waitFor('the reference line in the metric chart', async () => ((await pixels(frame, '#chart-metric', yellow)) > 100 ? true : undefined), 30_000);
    await stats.locator('#chart-metric').scrollIntoViewIfNeeded();
    await w.screenshot('import-1-trained');
    await stats.locator('#chart-metric').screenshot({ path: join(OUT, 'import-1-metric-chart.png') });

    // Export: the compact model as ONNX, beside the imported one.
    await w.page.locator('.tab[data-resource-name="mlp.dnn"]').first().click();
    const target = join(w.workspace, 'models', 'mlp-small.onnx');
    await exportOnnx('mlp.dnn', target);
    assert.ok(existsSync(target), `${target} was not written`);
    await w.screenshot('import-1-exported');
  });

  scenario('2. importing the same model again writes mlp-2.dnn, never over the first spec', async () => {
    const before = readFileSync(join(w.workspace, 'models', 'mlp.dnn'), 'utf8');
    await w.command('DropNeuron: Import Model…');
    const model = join(w.workspace, 'models', 'mlp.onnx');
    await waitFor('the file dialog', async () => ((await input().isVisible()) && (await input().inputValue()).startsWith('/') ? true : undefined), 30_000);
    await typePath(model);
    await w.page.locator('.quick-input-widget .monaco-button', { hasText: /^(OK|Import)$/ }).click();
    await w.page.locator('.editor-group-container .tab.active[aria-label*="mlp-2.dnn"]').waitFor({ timeout: 60_000 });
    assert.equal(readFileSync(join(w.workspace, 'models', 'mlp.dnn'), 'utf8'), before);
    assert.ok(existsSync(join(w.workspace, 'models', 'mlp-2.safetensors')));
    await w.screenshot('import-2-second');
  });

  scenario('3. a model the importer does not read: its sentence in a notification, how many more, Show All, and nothing written', async () => {
    const plan: Plan = {
      input: [784],
      outputs: 10,
      steps: [
        { op: 'dense', name: 'fc', weight: new Float32Array(7840), bias: new Float32Array(10), inputs: 784, units: 10 },
        { op: 'activation', fn: 'elu' },
        { op: 'dense', name: 'fc2', weight: new Float32Array(100), bias: new Float32Array(10), inputs: 10, units: 10 },
        { op: 'activation', fn: 'elu' },
      ],
    };
    const model = join(w.workspace, 'models', 'elu.onnx');
    writeFileSync(model, onnxModel(plan, 'elu'));
    await w.command('DropNeuron: Import Model…');
    await waitFor('the file dialog', async () => ((await input().isVisible()) && (await input().inputValue()).startsWith('/') ? true : undefined), 30_000);
    await typePath(model);
    await w.page.locator('.quick-input-widget .monaco-button', { hasText: /^(OK|Import)$/ }).click();
    // Two Elu nodes: the first one's sentence and a count, not only the last line the CLI printed.
    const toast = w.page.locator('.notifications-toasts .notification-toast', {
      hasText: /Import failed: models\/elu\.onnx: expected nodes the importer reads .*found Elu \(node "[^"]*"\); nothing was written \(and 1 more like it\)/,
    });
    await toast.waitFor({ timeout: 60_000 });
    assert.ok(!existsSync(join(w.workspace, 'models', 'elu.dnn')) && !existsSync(join(w.workspace, 'models', 'elu.safetensors')));
    await w.screenshot('import-3-unsupported');
    await toast.locator('.monaco-button', { hasText: 'Show All' }).click();
    // The log has both sentences, each naming its own node (its lines render spaces as no-break spaces: \s).
    const output = w.page.locator('.part.panel .monaco-editor .view-lines');
    await waitFor(
      'the log to show both nodes',
      async () => (((await output.textContent()) ?? '').match(/found\sElu\s\(node/g)?.length === 2 ? true : undefined),
      30_000,
    );
    await w.screenshot('import-3-show-all');
  });
});
