import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from 'node:test';
import { appears, ROOT, waitFor } from './harness.ts';
import { editorText, goTo, runsOf, scenario, useWorkbench, w } from './scenario.ts';

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

/** The user's CSV named with a slip of the keyboard, a target that is no column of it, and an `input` that is not its count. */
const SLIPS = OWN_CSV.replace('model own', 'model slips').replace('"data/train.csv" target=y', '"data/trian.csv" target=price').replace('input 4', 'input 3');

/** Three classes (0, 1, 2) by the sign of a and b: the user's classification data. */
function classes(rows: number): string {
  const lines = ['a,b,kind'];
  for (let i = 0; i < rows; i++) {
    const [a, b] = [Math.sin(i * 1.7), Math.cos(i * 2.3)];
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${a < 0 ? 0 : b < 0 ? 1 : 2}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A classifier of those three classes whose last layer gives `out` values. */
const CLASSES = (name: string, out: number) => `model ${name} {
  data csv "data/kinds.csv" target=kind
  input 2
  task classify
  dense h 8 relu
  dense out ${out}
}

regularize {
  l1 0.001
}

train {
  epochs 2
  batch 20
}
`;

useWorkbench(() => ({ 'empty.dnn': '', 'own.dnn': OWN_CSV, 'slips.dnn': SLIPS, 'narrow.dnn': CLASSES('narrow', 2), 'wide.dnn': CLASSES('wide', 10) }));

const suggestions = () => w.page.locator('.suggest-widget .monaco-list-row .label-name').allTextContents();
const lens = (text: string | RegExp) => w.page.locator('.codelens-decoration a', { hasText: text }).first();

/**
 * Opens the quick-fix menu (Ctrl+.) at the cursor until it lists `title`: right after a fix is applied, the first
 * Ctrl+. can say "No code actions available" (the diagnostics published for the new text end that request in the
 * workbench; the server answers at once, test/server/dataCheck.test.ts), and a second lists the fixes.
 */
async function quickFixMenu(title: string): Promise<void> {
  let tries = 0;
  await waitFor(
    `the quick fix ${title}`,
    async () => {
      if (tries++ > 0) await w.page.keyboard.press('Escape');
      await w.page.keyboard.press('Control+.');
      const shown = await appears(w.page.locator('.action-widget .monaco-list-row', { hasText: title }).first(), 3_000);
      if (!shown && tries === 1) await w.screenshot(`newuser-quickfix-retry-${title.replace(/\W+/g, '-')}`);
      return shown ? true : undefined;
    },
    30_000,
  );
  if (tries > 1) console.log(`the quick fix ${title} was listed at try ${tries}`);
}

/** The quick fix titled `title` of the menu that Ctrl+. opens at the cursor, applied (the menu's pointer block takes clicks: the keyboard). */
async function quickFix(title: string, screenshot?: string): Promise<void> {
  await quickFixMenu(title);
  if (screenshot) await w.screenshot(screenshot);
  const rows = await w.page.locator('.action-widget .monaco-list-row.action').allTextContents();
  const at = rows.findIndex((r) => r.includes(title));
  const focused = await w.page.locator('.action-widget .monaco-list-row.action.focused').textContent();
  const from = rows.findIndex((r) => r === focused);
  for (let i = from; i < at; i++) await w.page.keyboard.press('ArrowDown');
  await w.page.locator('.action-widget .monaco-list-row.action.focused', { hasText: title }).waitFor({ timeout: 5_000 });
  await w.page.keyboard.press('Enter');
}

describe('a new user’s first hour: an example trained at once, a CSV line completed, a CSV with its own test file', () => {
  scenario('1. New Spec from Example → lenet-300-100 → Train: Save As suggests lenet-300-100.dnn, and the run starts on the saved file', async () => {
    await w.command('DropNeuron: New Spec from Example');
    await w.page.locator('.quick-input-widget .quick-input-box input').fill('lenet-300-100');
    const lenet = w.page.locator('.quick-input-list .monaco-list-row', { has: w.page.locator('.label-name', { hasText: /^lenet-300-100$/ }) });
    await lenet.click();
    // The untitled document is named after the example, not after its first comment line.
    await w.page.locator('.editor-group-container.active .tab.active[aria-label*="lenet-300-100.dnn"]').waitFor({ timeout: 30_000 });
    await waitFor('the example text', async () => ((await editorText()).includes('model lenet-300-100') ? true : undefined));
    await lens(/^Train$/).waitFor({ timeout: 30_000 });
    // The first example says nothing against itself (it had the seed's keep_prob 0.5, and DNN224 at once): no
    // information, warning or error in the status bar's problems.
    await w.page.waitForTimeout(1_000);
    const problems = (await w.page.locator('[id="status.problems"]').getAttribute('aria-label')) ?? '';
    assert.equal(problems, 'No Problems');
    await w.screenshot('newuser-1-untitled-example');
    await lens(/^Train$/).click();
    const input = w.page.locator('.quick-input-widget .quick-input-box input');
    await waitFor('the Save As dialog', async () => ((await input.isVisible()) && (await input.inputValue()).endsWith('.dnn') ? true : undefined), 30_000);
    const suggested = await input.inputValue();
    assert.ok(suggested.endsWith('/lenet-300-100.dnn'), `expected Save As to suggest lenet-300-100.dnn, found ${suggested}`);
    await w.screenshot('newuser-1-save-as');
    await w.page.keyboard.press('Enter');
    const saved = join(w.workspace, 'lenet-300-100.dnn');
    // The file appears before its text is in it: wait for the text (read at once, it was empty once).
    const example = readFileSync(join(ROOT, 'examples', 'lenet-300-100.dnn'), 'utf8');
    await waitFor('the spec saved', () => (existsSync(saved) && readFileSync(saved, 'utf8') === example ? true : undefined), 30_000);
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

    // A `weights` line completes its path the same way, offering only safetensors files (and folders).
    writeFileSync(join(w.workspace, 'houses.safetensors'), '');
    await w.page.keyboard.press('End');
    await w.page.keyboard.press('Enter');
    await w.page.keyboard.type('weights "');
    await w.page.locator('.suggest-widget .monaco-list-row', { hasText: 'houses.safetensors' }).first().waitFor({ timeout: 15_000 });
    const offered = await suggestions();
    assert.deepEqual(
      offered.filter((s) => !s.endsWith('/')),
      ['houses.safetensors'],
      `expected the safetensors file and no other file, found ${offered.join(', ')}`,
    );
    assert.ok(offered.includes('data/'), `expected the folders too, found ${offered.join(', ')}`);
    await w.screenshot('newuser-2-weights-path');
    await w.page.keyboard.press('Escape');
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

  scenario(
    '4. quick fixes on the data line: a misspelt file offers the files there, a wrong target the columns, a wrong `input` the data’s count',
    async () => {
      writeData();
      await w.openFile('slips.dnn');
      if (!(await w.page.locator('.markers-panel').isVisible())) await w.page.keyboard.press('Control+Shift+M');
      const problem = (hasText: string) => w.page.locator('.markers-panel .monaco-list-row', { hasText }).first();
      await problem('trian.csv: expected a CSV file, found no such file').waitFor({ timeout: 30_000 });
      // On the data line, Ctrl+. offers data/train.csv: the CSV file of data/ that the spec does not already read as its test file.
      await goTo(2, 5);
      await quickFix('Change to `data/train.csv`', 'newuser-4-path-fix');
      await waitFor('the path fixed', async () => ((await editorText()).includes('data csv "data/train.csv" target=price') ? true : undefined));
      // The file is read: its columns are offered for the target, the last one (a target's usual place) first.
      // (On train.csv: while data/trian.csv was missing, the same was said of test.csv, whose header was read instead.)
      await problem('train.csv: expected a target column "price" among a, b, c, d, y').waitFor({ timeout: 30_000 });
      await goTo(2, 5);
      await quickFixMenu('Change the target to `y`');
      const offered = (await w.page.locator('.action-widget .monaco-list-row.action').allTextContents()).filter((r) => r.startsWith('Change the target'));
      assert.deepEqual(
        offered,
        ['y', 'a', 'b', 'c', 'd'].map((c) => `Change the target to \`${c}\``),
      );
      await w.screenshot('newuser-4-target-fixes');
      await w.page.keyboard.press('Escape');
      await quickFix('Change the target to `y`');
      await waitFor('the target fixed', async () => ((await editorText()).includes('target=y test=') ? true : undefined));
      // Four columns besides the target, where the spec says 3.
      await problem("expected 3 input columns as the spec's `input` says, found 4").waitFor({ timeout: 30_000 });
      await goTo(2, 5);
      await quickFix('Change the input to 4 (the columns besides the target)', 'newuser-4-input-fix');
      await waitFor('the input fixed', async () => (/input 4\b/.test(await editorText()) ? true : undefined));
      await w.page.locator('.markers-panel .monaco-list-row', { hasText: 'slips.dnn' }).first().waitFor({ state: 'detached', timeout: 30_000 });
      await w.screenshot('newuser-4-fixed');
    },
  );

  scenario('5. New Spec from Example while a run panel has the focus: the spec opens in the first editor group, not among the panels', async () => {
    // Scenario 3's run panel, beside the specs: focus it, as a user reading it does.
    const groups = w.page.locator('.editor-group-container');
    const panelTab = w.page.locator('.tab', { hasText: /own\.dnn · / }).first();
    await panelTab.waitFor({ timeout: 30_000 });
    await panelTab.click();
    await w.page.locator('.editor-group-container.active .tab.active', { hasText: /own\.dnn · / }).waitFor();
    // The keys go to the panel's page: the command palette from the title bar's Command Center, as with the mouse.
    // Once more if the picker closes before the example is picked (seen once on CI, cause not found: focus moving
    // while the workbench settles); a picker that opens and lists the example is what this scenario is not about.
    const input = w.page.locator('.quick-input-widget .quick-input-box input');
    const example = w.page.locator('.quick-input-list .monaco-list-row', { has: w.page.locator('.label-name', { hasText: /^sparse-regression$/ }) });
    for (let attempt = 1; ; attempt++) {
      try {
        await w.page.locator('.command-center-center').click();
        await input.waitFor();
        await input.fill('>DropNeuron: New Spec from Example');
        // Clicked, not Enter: on a loaded machine Enter could land before the list was filtered (CI ran another command).
        await w.page.locator('.quick-input-list .monaco-list-row', { hasText: 'DropNeuron: New Spec from Example' }).first().click();
        await w.page.locator('.quick-input-widget .quick-input-title', { hasText: 'New DropNeuron spec from an example' }).waitFor({ timeout: 30_000 });
        await input.fill('sparse-regression', { timeout: 10_000 });
        await example.click({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        console.log(`the example picker closed before the pick (attempt ${attempt}): ${(error as Error).message.split('\n')[0]}`);
        await w.page.keyboard.press('Escape');
      }
    }
    await groups.first().locator('.tab.active[aria-label*="sparse-regression.dnn"]').waitFor({ timeout: 30_000 });
    await waitFor('the example text', async () => ((await editorText()).includes('model sparse-regression') ? true : undefined));
    for (let i = 1; i < (await groups.count()); i++) assert.equal(await groups.nth(i).locator('.tab[aria-label*="sparse-regression.dnn"]').count(), 0);
    await w.screenshot('newuser-5-example-in-first-group');
  });

  scenario(
    '6. the last layer against the labels: 2 outputs for 3 classes is an error on `out` before training, and Train says where; 10 is information; each fix gives it 3',
    async () => {
      mkdirSync(join(w.workspace, 'data'), { recursive: true });
      writeFileSync(join(w.workspace, 'data', 'kinds.csv'), classes(120));
      await w.openFile('narrow.dnn');
      if (!(await w.page.locator('.markers-panel').isVisible())) await w.page.keyboard.press('Control+Shift+M');
      const problem = (hasText: string) => w.page.locator('.markers-panel .monaco-list-row', { hasText }).first();
      await problem('expected `out` to give at least 3 values, one per class (the labels in data/kinds.csv run from 0 to 2), found 2').waitFor({
        timeout: 30_000,
      });
      // Train anyway: the trainer reads the labels and stops, naming the line of `out` and its fix (it said "Fix the spec's `data` line").
      // The lens of the active editor's spec (another group may show another spec's).
      await w.page
        .locator('.editor-group-container.active .codelens-decoration a', { hasText: /^Train$/ })
        .first()
        .click();
      const toast = w.page.locator('.notifications-toasts', { hasText: 'narrow.dnn has an error on line 6 that stops training' });
      await toast.waitFor({ timeout: 60_000 });
      const said = (await toast.textContent()) ?? '';
      assert.match(said, /give `out` at least 3 units/);
      assert.doesNotMatch(said, /data` line/);
      await w.screenshot('newuser-6-narrow-out');
      // The run's panel may have opened over the spec (when the spec was in the group panels open in): its tab back.
      await w.page.locator('.tab[data-resource-name="narrow.dnn"]').first().click();
      await goTo(6, 13);
      await quickFix('Give `out` 3 units');
      await waitFor('the out layer fixed', async () => (/dense out 3\b/.test(await editorText()) ? true : undefined));
      await w.page.locator('.markers-panel .monaco-list-row', { hasText: 'narrow.dnn' }).first().waitFor({ state: 'detached', timeout: 30_000 });
      // Ten outputs for three classes trains, but says so, as information with the same fix.
      await w.openFile('wide.dnn');
      await problem("`out` gives 10 values for 3 classes (the labels in data/kinds.csv run from 0 to 2): 7 of them are never a sample's class").waitFor({
        timeout: 30_000,
      });
      await w.screenshot('newuser-6-wide-out');
      await goTo(6, 13);
      await quickFix('Give `out` 3 units');
      await waitFor('the wide layer fixed', async () => (/dense out 3\b/.test(await editorText()) ? true : undefined));
    },
  );
});
