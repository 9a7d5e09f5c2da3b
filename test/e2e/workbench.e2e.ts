import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { analyze } from '../../language/index.ts';
import { waitFor } from './harness.ts';
import { editorText, goTo, runsOf, scenario, setOverrides, SMALL, text, useWorkbench, w } from './scenario.ts';

useWorkbench(() => {
  const lenet = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'lenet-300-100.dnn'), 'utf8');
  return {
    // Each scenario edits its own file, so one scenario's leftovers cannot change another's result.
    'typo.dnn': lenet,
    'complete.dnn': lenet,
    'small.dnn': SMALL(2),
    // Long enough that the stop lands mid-run: on ort an epoch of it takes a fifth of a second, and 300 ended before CI saw epoch 2.
    'long.dnn': SMALL(5000).replace('model small', 'model long'),
    'broken.dnn': SMALL(1).replace('dense fc1 64 relu', 'dense fc1 64 reluu'),
    'override.dnn': SMALL(3).replace('model small', 'model override'),
    'picker.dnn': SMALL(3).replace('model small', 'model picker'),
    // Nothing indented yet: its indentation is the extension's default, not one detected from the file.
    'blank.dnn': '# a spec to write\n',
  };
});

describe('DropNeuron in a real VS Code (code-server), installed from its .vsix', () => {
  scenario('1. opening a spec: DropNeuron language mode, coloured keywords, outline, inlay hints', async () => {
    await w.openFile('examples/lenet-300-100.dnn');
    await waitFor('the language mode', async () => ((await text('#status\\.editor\\.mode')).includes('DropNeuron') ? true : undefined));
    await waitFor('inlay hints', async () => ((await editorText()).includes('→ [300] · 235 500 params') ? true : undefined), 60_000);
    // A new spec indents by 2, as the snippets and examples do (VS Code's own default is 4).
    await w.openFile('blank.dnn');
    await waitFor('the indentation of a new spec', async () => ((await text('#status\\.editor\\.indentation')).includes('Spaces: 2') ? true : undefined));
    await w.openFile('examples/lenet-300-100.dnn');
    // Passed as source text: a serialized function would carry tsx's __name helper into the page.
    const colours = (await w.page.evaluate(`(() => {
      const spans = [...document.querySelectorAll('.editor-group-container.active .view-line span span')];
      const colour = (word) => { const s = spans.find((x) => x.textContent === word); return s ? getComputedStyle(s).color : undefined; };
      return { keyword: colour('model'), name: colour('lenet-300-100'), number: colour('784'), plain: getComputedStyle(document.querySelector('.editor-group-container.active .view-lines')).color };
    })()`)) as { keyword?: string; name?: string; number?: string; plain: string };
    assert.ok(colours.keyword && colours.keyword !== colours.plain, `expected \`model\` coloured, found ${JSON.stringify(colours)}`);
    assert.notEqual(colours.keyword, colours.number);
    await w.page.locator('.pane-header', { hasText: 'Outline' }).click();
    for (const layer of ['fc1', 'fc2', 'out']) await w.page.locator('.outline-pane .monaco-list-row', { hasText: layer }).first().waitFor();
    await w.screenshot('1-open-spec');
  });

  scenario('2. a typo: a coded diagnostic in the Problems panel, and its quick fix', async () => {
    await w.openFile('typo.dnn');
    await goTo(9, 21);
    await w.page.keyboard.type('u');
    await w.page.keyboard.press('Control+Shift+M');
    const problem = w.page.locator('.markers-panel .monaco-list-row', { hasText: 'DNN201' }).first();
    await problem.waitFor({ timeout: 30_000 });
    assert.match((await problem.textContent()) ?? '', /\[Ln 9, Col 17\]/);
    await goTo(9, 18);
    await w.page.keyboard.press('Control+.');
    // The preferred fix is focused in the menu; Enter applies it (the menu's pointer block takes clicks).
    await w.page.getByText('Change to `relu`', { exact: true }).waitFor();
    await w.page.keyboard.press('Enter');
    await waitFor('the fix applied', async () => (/dense fc1 300 relu(?!u)/.test(await editorText()) ? true : undefined));
    assert.doesNotMatch(await editorText(), /reluu/);
    await w.page.locator('.markers-panel .monaco-list-row', { hasText: 'DNN201' }).waitFor({ state: 'detached' });
  });

  scenario('3. completion in a layer line offers activations with documentation', async () => {
    await w.openFile('complete.dnn');
    await goTo(10, 21);
    await w.page.keyboard.press('End');
    await w.page.keyboard.press('Enter');
    await w.page.keyboard.type('dense fc9 50 ');
    await w.page.keyboard.press('Control+Space');
    const relu = w.page.locator('.suggest-widget .monaco-list-row', { hasText: 'relu' }).first();
    await relu.waitFor();
    const labels = await w.page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents();
    for (const a of ['relu', 'tanh', 'sigmoid'])
      assert.ok(
        labels.some((l) => l.includes(a)),
        `expected ${a} in ${labels.join(', ')}`,
      );
    await w.page.keyboard.type('relu'); // filters the list down to relu (a click would accept it)
    await w.page.keyboard.press('Control+Space'); // show the documentation side pane
    await waitFor(
      'the documentation',
      async () => ((await w.page.locator('.suggest-details').allTextContents()).join(' ').includes('Rectified linear unit') ? true : undefined),
      15_000,
    );
    await w.page.keyboard.press('Escape');
  });

  scenario('4. Train with DropNeuron: progress, live stats panel, then Layers, Runs and hover show kept neurons', async () => {
    await w.openFile('small.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    await w.page.locator('.notifications-toasts', { hasText: 'Training small.dnn with DropNeuron' }).waitFor({ timeout: 30_000 });
    const stats = w.stats();
    await stats.locator('#summary-box:not([hidden])').waitFor({ timeout: 180_000 });
    const bars = await stats.locator('.layer-label').allTextContents();
    assert.equal(bars.length, 2);
    assert.match(bars[0]!, /^fc1 64 → \d+$/);
    const kept = Number(/→ (\d+)/.exec(bars[0]!)![1]);
    assert.ok(kept < 64, `expected fc1 to shrink, found ${kept}`);
    // A dense network trains on ort (ONNX Runtime's CPU kernels, in the .vsix) on every core by default: "· 2 threads" on a 2-core machine.
    assert.match((await stats.locator('#status').textContent()) ?? '', /^done after 2 epochs on ort( · \d+ threads?)?$/);
    await w.screenshot('4-train-stats');
    await w.page.locator('.activitybar .action-item a[aria-label^="DropNeuron"]').click();
    await w.page.locator('[id="workbench.view.extension.dropneuron"] .monaco-list-row', { hasText: `64 → ${kept} kept` }).waitFor({ timeout: 30_000 });
    await w.page.locator('[id="workbench.view.extension.dropneuron"] .monaco-list-row', { hasText: 'small ·' }).first().waitFor({ timeout: 30_000 });
    await w.page.locator('.tab[data-resource-name="small.dnn"]').click();
    await w.page.locator('.editor-group-container.active .view-line span', { hasText: /^fc1$/ }).first().hover();
    await w.page.locator('.monaco-hover', { hasText: `${kept}/64 neurons kept` }).waitFor({ timeout: 30_000 });
    await w.screenshot('4-train-views');
  });

  scenario('5. Shrink Layers to Trained Sizes rewrites the sizes, and the spec still checks clean', async () => {
    const summary = JSON.parse(readFileSync(join(runsOf('small.dnn').at(-1)!, 'summary.json'), 'utf8')) as { compactSizes: Record<string, number> };
    await w.page.keyboard.press('Escape');
    await w.command('DropNeuron: Shrink Layers to Trained Sizes');
    // A run whose pruning cost more than its tolerance asks first (runs.e2e.ts checks what it says): go ahead.
    const dialog = w.page.locator('.monaco-dialog-box');
    const shrunk = async () => ((await editorText()).includes(`dense fc1 ${summary.compactSizes.fc1} relu`) ? true : undefined);
    await waitFor('the shrunk layer or the question', async () => ((await dialog.isVisible()) ? true : await shrunk()), 30_000);
    if (await dialog.isVisible()) await dialog.getByRole('button', { name: 'Shrink Anyway' }).click();
    await waitFor('the shrunk layer', async () => ((await editorText()).includes(`dense fc1 ${summary.compactSizes.fc1} relu`) ? true : undefined), 30_000);
    await w.page.keyboard.press('Control+S');
    await waitFor('the shrunk spec saved', () =>
      readFileSync(join(w.workspace, 'small.dnn'), 'utf8').includes(`dense fc1 ${summary.compactSizes.fc1} relu`) ? true : undefined,
    );
    assert.deepEqual(analyze(readFileSync(join(w.workspace, 'small.dnn'), 'utf8')).diagnostics, [], 'the shrunk spec checks clean');
    await w.page.keyboard.press('Control+Shift+M');
    await w.page.locator('.markers-panel').waitFor();
    assert.equal(await w.page.locator('.markers-panel .monaco-list-row', { hasText: 'small.dnn' }).count(), 0, 'no problem listed for small.dnn');
    await w.screenshot('5-shrunk');
  });

  scenario('6. the status bar item stops a longer run within a batch; the run folder keeps the finished epochs', async () => {
    await w.openFile('long.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    const item = w.page.locator('.statusbar-item', { hasText: 'DropNeuron: epoch' });
    await waitFor(
      'epoch 2 in the status bar',
      async () => (/epoch ([2-9]|\d{2,})\/5000/.test((await item.textContent().catch(() => '')) ?? '') ? true : undefined),
      120_000,
    );
    // The item's text changes every epoch, and a click that lands while it re-renders can be lost: click until the
    // run has stopped (the item then shows the result, and the epoch item is gone).
    const finished = w.page.locator('.statusbar-item', { hasText: /DropNeuron: \d/ });
    await waitFor(
      'the run to stop',
      async () => {
        if (await finished.count()) return true;
        await item.click({ timeout: 5_000 }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 2_000));
        return undefined;
      },
      60_000,
    );
    const runDir = runsOf('long.dnn').at(-1)!;
    const events = readFileSync(join(runDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; stopped?: boolean; epochsCompleted?: number; epoch?: number });
    const done = events.at(-1)!;
    assert.equal(done.type, 'done');
    assert.equal(done.stopped, true);
    assert.ok(done.epochsCompleted! >= 2 && done.epochsCompleted! < 5000);
    const checkpoint = JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')) as { epoch: number };
    assert.equal(checkpoint.epoch, done.epochsCompleted);
    assert.deepEqual(
      events.filter((e) => e.type === 'epoch').map((e) => e.epoch),
      Array.from({ length: checkpoint.epoch }, (_, i) => i + 1),
    );
  });

  scenario('7. a spec with errors: training is refused and the Problems panel is shown', async () => {
    // Hide the panel first, so that training showing the Problems panel is observable.
    if (await w.page.locator('.markers-panel').isVisible()) await w.page.keyboard.press('Control+J');
    await w.page.locator('.markers-panel').waitFor({ state: 'hidden', timeout: 10_000 });
    await w.openFile('broken.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    await w.page.locator('.notifications-toasts', { hasText: 'broken.dnn has 1 error: fix it first' }).waitFor({ timeout: 30_000 });
    await w.page.locator('.markers-panel .monaco-list-row', { hasText: 'DNN201' }).waitFor({ timeout: 30_000 });
    assert.equal(runsOf('broken.dnn').length, 0);
  });

  scenario("8. dropneuron.trainer.overrides: a run takes the workspace's settings; an invalid one is refused with a way to fix it", async () => {
    try {
      await setOverrides({ epochs: 1, learning_rate: 0.005, seed: 7 });
      await w.openFile('override.dnn');
      await w.command('DropNeuron: Train with DropNeuron');
      const stats = w.stats();
      // The panel still shows the previous run until this one starts: wait for this run's own line first.
      await stats
        .locator('#overrides', { hasText: /^Overriding the spec for this run: epochs 1 · learning_rate 0\.005 · seed 7$/ })
        .waitFor({ timeout: 60_000 });
      await stats.locator('#status', { hasText: 'done after 1 epoch on ort' }).waitFor({ timeout: 180_000 });
      await w.screenshot('8-override-run');
      const start = readFileSync(join(runsOf('override.dnn').at(-1)!, 'events.jsonl'), 'utf8').split('\n')[0]!;
      const event = JSON.parse(start) as { epochs: number; settings: { learningRate: number; seed: number } };
      assert.deepEqual([event.epochs, event.settings.learningRate, event.settings.seed], [1, 0.005, 7], 'the spec says 3 epochs, lr 0.001, seed 1');

      await setOverrides({ keep_prob: 0 });
      await w.page.locator('.tab[data-resource-name="override.dnn"]').click();
      await w.command('DropNeuron: Train with DropNeuron');
      const toast = w.page.locator('.notifications-toasts', { hasText: '`keep_prob`: expected a number in (0, 1]' });
      await toast.waitFor({ timeout: 30_000 });
      await w.screenshot('8-invalid-override');
      await toast.getByRole('button', { name: 'Open Settings' }).click();
      await w.page.locator('.settings-editor').waitFor({ timeout: 30_000 });
      assert.equal(runsOf('override.dnn').length, 1, 'the refused run left no folder');
    } finally {
      await setOverrides({});
    }
  });

  scenario('9. Train with Settings…: pick settings from the table, a value checked as it is typed, then train', async () => {
    await w.openFile('picker.dnn');
    await w.command('DropNeuron: Train with Settings…');
    const input = w.page.locator('.quick-input-widget .quick-input-box input');
    const row = (label: string | RegExp) => w.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row('Train with these settings').waitFor({ timeout: 30_000 });
    // Each setting shows the spec's own value (not the vocabulary's default).
    await input.fill('dropneuron');
    await row(/dropneuron.*spec: 0\.05/).waitFor();
    await input.fill('epochs');
    await row(/epochs.*spec: 3/).waitFor();
    await row('Passes over the training set').waitFor();
    await w.page.keyboard.press('Enter');
    await w.page.locator('.quick-input-widget', { hasText: 'epochs for this run' }).waitFor();
    await input.fill('0');
    await w.page.locator('.quick-input-message', { hasText: 'expected a whole number ≥ 1, found "0"' }).waitFor({ timeout: 10_000 });
    await w.screenshot('9-picker-invalid');
    await input.fill('1');
    await w.page.keyboard.press('Enter');
    await row(/epochs.*1/).waitFor();
    await input.fill('Train with these');
    await row('Train with these settings').waitFor();
    await w.page.keyboard.press('Enter');
    const stats = w.stats();
    await stats.locator('#overrides', { hasText: /^Overriding the spec for this run: epochs 1$/ }).waitFor({ timeout: 60_000 });
    await stats.locator('#status', { hasText: 'done after 1 epoch on ort' }).waitFor({ timeout: 180_000 });
    await w.screenshot('9-picker-trained');
    assert.equal(readFileSync(join(w.workspace, 'picker.dnn'), 'utf8'), SMALL(3).replace('model small', 'model picker'), 'the spec stays as written');
    // The next time the picker starts from this run's change, says so on the Train row, and clears it in one pick.
    await w.openFile('picker.dnn');
    await w.command('DropNeuron: Train with Settings…');
    await row(/Train with these settings.*with epochs 1/).waitFor({ timeout: 30_000 });
    await input.fill('epochs');
    await row(/epochs.*1 for this run \(spec: 3\)/).waitFor();
    await w.screenshot('9-picker-carried');
    await input.fill('Clear the changes');
    await row('Clear the changes').waitFor();
    await w.page.keyboard.press('Enter');
    await row(/Train with these settings.*the spec as written/).waitFor();
    await w.page.keyboard.press('Escape');
  });

  scenario("10. Show Backends: what the trainer can train on here, the GPU WebGPU sees, and a pick sets the editor's backend", async () => {
    await w.command('DropNeuron: Show Backends');
    const row = (label: string | RegExp) => w.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    // This machine has no GPU: WebGPU loads on Mesa's software adapter, and auto passes it over for the CPU: ort, wasm
    // for what ort does not train.
    await w.page
      .locator('.quick-input-widget', { hasText: 'auto trains on ort (lrn layers, momentum and rmsprop on wasm) here' })
      .waitFor({ timeout: 120_000 });
    await row(/ort.*loads, ready for dense, conv and pooling layers with adam or sgd \(others train on wasm\)/).waitFor();
    await row(/webgpu.*loads, on llvmpipe.*\(software\)/).waitFor();
    await row(/gpu.*does not load: not installed/).waitFor();
    await w.screenshot('10-backends');
    await w.page.locator('.quick-input-widget .quick-input-box input').fill('cpu');
    await row(/cpu.*loads/).waitFor();
    await w.page.keyboard.press('Enter');
    await w.page.locator('.notifications-toasts', { hasText: 'runs started from the editor now use cpu' }).waitFor({ timeout: 30_000 });
    await waitFor('the workspace setting', () =>
      existsSync(join(w.workspace, '.vscode', 'settings.json')) &&
      readFileSync(join(w.workspace, '.vscode', 'settings.json'), 'utf8').includes('"dropneuron.trainer.backend": "cpu"')
        ? true
        : undefined,
    );
  });
});
