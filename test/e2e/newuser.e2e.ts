import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from 'node:test';
import { ROOT, waitFor } from './harness.ts';
import { editorText, runsOf, scenario, useWorkbench, w } from './scenario.ts';

// A new user's first hour (issue 29, items 1–3): an example trained from its untitled document, a CSV data line
// written with completion (every data set, then the files beside the spec), and the user's own train.csv and
// test.csv trained as they are.

/** A regression a small network learns: y = 2a − b + c/2; d is noise. Seeded, so every run reads the same rows. */
function table(rows: number, seed: number): string {
  let s = seed;
  const next = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const lines = ['a,b,c,d,y'];
  for (let i = 0; i < rows; i++) {
    const [a, b, c, d] = [next(), next(), next(), next()];
    lines.push([a, b, c, d, 2 * a - b + c / 2].map((v) => v.toFixed(4)).join(','));
  }
  return `${lines.join('\n')}\n`;
}

const OWN_CSV = `model own {
  data csv "data/train.csv" target=y test="data/test.csv"
  input 4
  dense h 8 relu
  dense out 1
}

regularize {
  l1 0.001
}

train {
  epochs 2
  batch 20
}
`;

/** The user's data beside the specs: data/train.csv (200 rows) and data/test.csv (50), as a download script leaves them. */
function writeData(): void {
  if (existsSync(join(w.workspace, 'data', 'test.csv'))) return;
  mkdirSync(join(w.workspace, 'data'), { recursive: true });
  writeFileSync(join(w.workspace, 'data', 'train.csv'), table(200, 1));
  writeFileSync(join(w.workspace, 'data', 'test.csv'), table(50, 2));
}

useWorkbench(() => ({ 'empty.dnn': '', 'own.dnn': OWN_CSV }));

/**
 * A command run from the palette as the first thing in a new window: the palette lists the extensions' commands
 * only once the workbench has registered them, a few seconds after it shows, so a palette opened before lists none.
 */
async function firstCommand(title: string): Promise<void> {
  const input = w.page.locator('.quick-input-widget .quick-input-box input');
  await waitFor(
    `${title} in the command palette`,
    async () => {
      await w.page.keyboard.press('F1');
      await input.waitFor();
      await input.fill(`>${title}`);
      const listed = await w.page
        .locator('.quick-input-list .monaco-list-row', { hasText: title })
        .first()
        .waitFor({ timeout: 3_000 })
        .then(
          () => true,
          () => false,
        );
      await w.page.keyboard.press(listed ? 'Enter' : 'Escape');
      return listed ? true : undefined;
    },
    60_000,
  );
}

const suggestions = () => w.page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents();
const lens = (text: string | RegExp) => w.page.locator('.codelens-decoration a', { hasText: text }).first();

describe('a new user’s first hour: an example trained at once, a CSV line completed, a CSV with its own test file', () => {
  scenario('1. New Spec from Example → lenet-300-100 → Train: Save As suggests lenet-300-100.dnn, and the run starts on the saved file', async () => {
    await firstCommand('DropNeuron: New Spec from Example');
    await w.page.locator('.quick-input-widget .quick-input-box input').fill('lenet-300-100');
    const lenet = w.page.locator('.quick-input-list .monaco-list-row', { has: w.page.locator('.label-name', { hasText: /^lenet-300-100$/ }) });
    await lenet.click();
    // The untitled document is named after the example, not after its first comment line.
    await w.page.locator('.editor-group-container.active .tab.active[aria-label*="lenet-300-100.dnn"]').waitFor({ timeout: 30_000 });
    await waitFor('the example text', async () => ((await editorText()).includes('model lenet-300-100') ? true : undefined));
    await lens(/^Train$/).waitFor({ timeout: 30_000 });
    await w.screenshot('newuser-1-untitled-example');
    await lens(/^Train$/).click();
    const input = w.page.locator('.quick-input-widget .quick-input-box input');
    await waitFor('the Save As dialog', async () => ((await input.isVisible()) && (await input.inputValue()).endsWith('.dnn') ? true : undefined), 30_000);
    const suggested = await input.inputValue();
    assert.ok(suggested.endsWith('/lenet-300-100.dnn'), `expected Save As to suggest lenet-300-100.dnn, found ${suggested}`);
    await w.screenshot('newuser-1-save-as');
    await w.page.keyboard.press('Enter');
    const saved = join(w.workspace, 'lenet-300-100.dnn');
    await waitFor('the spec saved', () => (existsSync(saved) ? true : undefined), 30_000);
    assert.equal(readFileSync(saved, 'utf8'), readFileSync(join(ROOT, 'examples', 'lenet-300-100.dnn'), 'utf8'));
    // The same click trains: the run's notification, and a run folder of the saved file.
    await w.page.locator('.notifications-toasts', { hasText: 'Training lenet-300-100.dnn with DropNeuron' }).waitFor({ timeout: 30_000 });
    await waitFor('a run of lenet-300-100.dnn', () => (runsOf('/lenet-300-100.dnn').length === 1 ? true : undefined), 30_000);
    const runDir = runsOf('/lenet-300-100.dnn')[0]!;
    const manifest = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { specPath: string };
    assert.equal(resolve(runDir, manifest.specPath), saved, 'the run of the saved file');
    await w.screenshot('newuser-1-training');
    // 100 epochs of MNIST: stop it, this scenario is about the start.
    await w.page.locator('.tab[data-resource-name="lenet-300-100.dnn"]').first().click();
    await w.command('DropNeuron: Stop Training');
    await waitFor('the run to stop', () => (readFileSync(join(runDir, 'events.jsonl'), 'utf8').includes('"done"') ? true : undefined), 120_000);
  });

  scenario('2. a CSV data line by completion: every data set in the model snippet, then the files beside the spec, folders first', async () => {
    writeData();
    await w.openFile('empty.dnn');
    await w.page.keyboard.type('mod');
    await w.page.keyboard.press('Control+Space');
    await w.page.locator('.suggest-widget .monaco-list-row', { hasText: 'model' }).first().waitFor();
    await w.page.keyboard.press('Enter');
    await w.page.keyboard.type('houses');
    await w.page.keyboard.press('Tab');
    // The data tab stop's choice: every data set (it offered mnist, sparse-regression and synthetic only).
    await w.page.locator('.suggest-widget .monaco-list-row', { hasText: 'csv' }).first().waitFor({ timeout: 15_000 });
    assert.deepEqual(await suggestions(), ['mnist', 'sparse-regression', 'idx', 'csv', 'synthetic']);
    await w.screenshot('newuser-2-data-choice');
    await w.page.locator('.suggest-widget .monaco-list-row', { hasText: 'csv' }).first().click();
    await waitFor('csv chosen', async () => (/data csv\b/.test(await editorText()) ? true : undefined));
    // Leave the snippet; `data csv` without its file says which file it needs.
    for (let i = 0; i < 3; i++) await w.page.keyboard.press('Escape');
    await w.page.locator('.monaco-editor .view-line', { hasText: 'data csv' }).first().click();
    await w.page.keyboard.press('End');
    if (!(await w.page.locator('.markers-panel').isVisible())) await w.page.keyboard.press('Control+Shift+M');
    await w.page
      .locator('.markers-panel .monaco-list-row', { hasText: 'expected a quoted path to the CSV file after `data csv`' })
      .waitFor({ timeout: 30_000 });
    await w.page.locator('.monaco-editor .view-line', { hasText: 'data csv' }).first().click();
    await w.page.keyboard.press('End');

    // A quote opens the files beside the spec: folders first.
    await w.page.keyboard.type(' "');
    await w.page.locator('.suggest-widget .monaco-list-row', { hasText: 'data/' }).first().waitFor({ timeout: 15_000 });
    const top = await suggestions();
    assert.deepEqual(top.slice(0, 1), ['data/'], `expected the folder first, found ${top.join(', ')}`);
    assert.ok(top.includes('empty.dnn') && top.includes('own.dnn'), `expected the files beside the spec, found ${top.join(', ')}`);
    await w.screenshot('newuser-2-path-completion');
    await w.page.keyboard.press('Enter');
    // The folder's files follow at once.
    await w.page.locator('.suggest-widget .monaco-list-row', { hasText: 'train.csv' }).first().waitFor({ timeout: 15_000 });
    assert.deepEqual(await suggestions(), ['test.csv', 'train.csv']);
    await w.page.keyboard.type('tr');
    await w.page.keyboard.press('Enter');
    await waitFor('the path', async () => ((await editorText()).includes('data csv "data/train.csv"') ? true : undefined));
    // And `test="…"` completes the same way.
    await w.page.keyboard.press('End');
    await w.page.keyboard.type(' target=y test="da');
    await w.page.keyboard.press('Control+Space');
    await w.page.locator('.suggest-widget .monaco-list-row', { hasText: 'data/' }).first().waitFor({ timeout: 15_000 });
    await w.page.keyboard.press('Enter');
    await w.page.locator('.suggest-widget .monaco-list-row', { hasText: 'test.csv' }).first().waitFor({ timeout: 15_000 });
    await w.page.keyboard.type('te');
    await w.page.keyboard.press('Enter');
    await waitFor('the test path', async () => ((await editorText()).includes('data csv "data/train.csv" target=y test="data/test.csv"') ? true : undefined));
    await w.page.locator('.markers-panel .monaco-list-row', { hasText: 'quoted path' }).first().waitFor({ state: 'detached', timeout: 30_000 });
    await w.screenshot('newuser-2-csv-line');
  });

  scenario('3. the user’s own train.csv and test.csv: `test="…"` trains on every row of the one and tests on the other', async () => {
    writeData();
    await w.openFile('own.dnn');
    if (!(await w.page.locator('.markers-panel').isVisible())) await w.page.keyboard.press('Control+Shift+M');
    await w.page.locator('.markers-panel').waitFor();
    // `test=` is an option of `data csv` (it was DNN207, unknown), and the files fit the spec (no DNN311).
    await w.page
      .locator('.codelens-decoration a', { hasText: /^Train$/ })
      .first()
      .waitFor({ timeout: 30_000 });
    assert.equal(await w.page.locator('.markers-panel .monaco-list-row', { hasText: 'own.dnn' }).count(), 0, 'no problem listed for own.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    await w.stats().locator('#status', { hasText: 'done after 2 epochs' }).waitFor({ timeout: 180_000 });
    await w.screenshot('newuser-3-own-csv-trained');
    const [start] = readFileSync(join(runsOf('/own.dnn').at(-1)!, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; trainSamples: number; testSamples: number });
    assert.deepEqual([start!.type, start!.trainSamples, start!.testSamples], ['start', 200, 50], 'every row of train.csv trains; test.csv tests');
  });
});
