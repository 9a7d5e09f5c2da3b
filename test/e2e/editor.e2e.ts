import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { waitFor } from './harness.ts';
import { editorText, goTo, runsOf, scenario, SMALL, useWorkbench, w } from './scenario.ts';

// What the editor knows before a run and says after one (issue 18, items 5, 7 and 8): the data files a spec names,
// the dropout trap, completion that offers only the language, and the CodeLens above a model.

const TABLE = `model table {
  data csv "table.csv" target=y
  input 2
  dense out 1
}

regularize {
  l1 0.001
}
`;

useWorkbench(() => ({
  'table.dnn': TABLE,
  'dropout.dnn': SMALL(1).replace('model small', 'model dropout').replace('  l1 0.001\n', '  l1 0.001\n  keep_prob 0.5\n'),
  // A word that only a word-based completion would offer.
  'words.dnn': `# zebrafish quagga\n${SMALL(1).replace('model small', 'model words')}`,
  'lens.dnn': SMALL(1).replace('model small', 'model lens'),
}));

const problems = () => w.page.locator('.markers-panel .monaco-list-row');
const suggestions = () => w.page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents();

async function showProblems(): Promise<void> {
  if (!(await w.page.locator('.markers-panel').isVisible())) await w.page.keyboard.press('Control+Shift+M');
  await w.page.locator('.markers-panel').waitFor();
}

describe('the editor knows the data, warns about the dropout trap, and completes only the language', () => {
  scenario('1. a data path that does not exist: DNN311 in Problems on the data line; creating the file clears it', async () => {
    await w.openFile('table.dnn');
    await showProblems();
    const missing = problems().filter({ hasText: 'DNN311' }).first();
    await missing.waitFor({ timeout: 30_000 });
    const row = (await missing.textContent()) ?? '';
    assert.match(row, /table\.csv: expected a CSV file, found no such file/);
    assert.match(row, /\[Ln 2, Col 12\]/, 'on the path as written');
    await w.screenshot('editor-1-missing-data');

    // Written outside the editor, as a script that downloads the data would: the server hears it from the watcher.
    writeFileSync(join(w.workspace, 'table.csv'), 'a,b,y\n1,2,3\n4,5,6\n7,8,9\n');
    await problems().filter({ hasText: 'DNN311' }).first().waitFor({ state: 'detached', timeout: 30_000 });
    // And a header without the target column is said, also from the watcher.
    writeFileSync(join(w.workspace, 'table.csv'), 'a,b,price\n1,2,3\n4,5,6\n7,8,9\n');
    await problems().filter({ hasText: 'expected a target column "y" among a, b, price' }).first().waitFor({ timeout: 30_000 });
    await w.screenshot('editor-1-data-checked');
  });

  scenario('2. dropout next to DropNeuron: the DNN224 information, its numbers, and the quick fix that sets keep_prob 1', async () => {
    await w.openFile('dropout.dnn');
    await showProblems();
    const hint = problems().filter({ hasText: 'DNN224' }).first();
    await hint.waitFor({ timeout: 30_000 });
    assert.match((await hint.textContent()) ?? '', /kept 44 % of its weights \(587-297-100 neurons\) at keep_prob 0\.5 and 12 % \(546-113-62\) at keep_prob 1/);
    await goTo(10, 14);
    await w.page.keyboard.press('Control+.');
    await w.page.getByText('Set keep_prob to 1 (dropout off)', { exact: true }).waitFor();
    await w.screenshot('editor-2-dropout-fix');
    await w.page.keyboard.press('Enter');
    await waitFor('keep_prob 1', async () => (/keep_prob 1(?!\.)/.test(await editorText()) ? true : undefined));
    await problems().filter({ hasText: 'DNN224' }).first().waitFor({ state: 'detached', timeout: 30_000 });
  });

  scenario('3. completion: activations first after `dense x 10 `, no words from the file, nothing where no word is legal', async () => {
    await w.openFile('words.dnn');
    await goTo(5, 19);
    await w.page.keyboard.press('End');
    await w.page.keyboard.press('Enter');
    await w.page.keyboard.type('dense x 10 ');
    await w.page.keyboard.press('Control+Space');
    await w.page.locator('.suggest-widget .monaco-list-row', { hasText: 'relu' }).first().waitFor();
    const labels = await suggestions();
    const activations = ['linear', 'relu', 'tanh', 'sigmoid', 'softmax', 'elu', 'softplus'];
    assert.deepEqual(labels.slice(0, activations.length), activations, `expected the activations first, found ${labels.join(', ')}`);
    assert.ok(
      labels.slice(activations.length).every((l) => l.endsWith('=')),
      `expected only options after them, found ${labels.join(', ')}`,
    );
    assert.ok(!labels.some((l) => /zebrafish|quagga|small|fc1/.test(l)), `expected no words from the file, found ${labels.join(', ')}`);
    await w.screenshot('editor-3-completion-ranked');
    // A space accepts the selected value (a commit character).
    await w.page.keyboard.type('rel ');
    await waitFor('relu accepted by the space', async () => (/dense x 10 relu(?!u)/.test(await editorText()) ? true : undefined));
    await w.page.keyboard.press('Escape');

    // A number setting's value: the language has no word to offer there, and the editor adds none from the file.
    await goTo(11, 11);
    await w.page.keyboard.press('End');
    await w.page.keyboard.press('Enter');
    await w.page.keyboard.type('l2 ');
    // On a loaded machine the first request can still be on its way while the widget opens: ask once more.
    const none = w.page.locator('.suggest-widget', { hasText: 'No suggestions' });
    await w.page.keyboard.press('Control+Space');
    await none.waitFor({ timeout: 15_000 }).catch(async () => {
      await w.page.keyboard.press('Control+Space');
      await none.waitFor({ timeout: 30_000 });
    });
    assert.deepEqual(await suggestions(), []);
    await w.screenshot('editor-3-no-word-suggestions');
    await w.page.keyboard.press('Escape');
  });

  scenario('4. the CodeLens above the model: "Train", then "last run 9x.x % · N-M" after a short run, which opens that run', async () => {
    await w.openFile('lens.dnn');
    // Not only the active group's: the run's panel opens beside the spec and takes the focus.
    const lens = (text: string | RegExp) => w.page.locator('.codelens-decoration a', { hasText: text }).first();
    await lens(/^Train$/).waitFor({ timeout: 30_000 });
    assert.equal(await lens(/^last run/).count(), 0, 'no run yet');
    await w.screenshot('editor-4-lens-before');
    await lens(/^Train$/).click();
    const last = lens(/^last run \d+\.\d % · \d+-\d+$/);
    await last.waitFor({ timeout: 240_000 });
    const summary = JSON.parse(readFileSync(join(runsOf('lens.dnn').at(-1)!, 'summary.json'), 'utf8')) as {
      afterPrune: number;
      inputs: { kept: number };
      layers: { neuronsKept: number }[];
    };
    const expected = `last run ${(100 * summary.afterPrune).toFixed(1)} % · ${summary.inputs.kept}-${summary.layers[0]!.neuronsKept}`;
    assert.equal(await last.textContent(), expected, 'the numbers of the run folder');
    await w.screenshot('editor-4-lens-after-run');

    // Close the run's panel, then open it again from the lens.
    const panelTab = w.page.locator('.tab', { hasText: 'lens.dnn · ' });
    for (let i = await panelTab.count(); i > 0; i--) await panelTab.first().locator('.codicon-close').click({ force: true });
    await panelTab.first().waitFor({ state: 'detached' });
    await w.openFile('lens.dnn');
    await last.click();
    await panelTab.first().waitFor({ timeout: 30_000 });
    await w.stats().getByText('lens.dnn').first().waitFor({ timeout: 30_000 });
    await w.screenshot('editor-4-lens-opens-run');
  });
});
