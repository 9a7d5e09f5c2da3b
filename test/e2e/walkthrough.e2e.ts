import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { appears, waitFor } from './harness.ts';
import { editorText, exportOnnx, runsOf, scenario, typePath, useWorkbench, w } from './scenario.ts';

// A new user's path from nothing (issue 29, item 10 and "Done when"): a workspace with only their CSV files, the
// walkthrough, a spec written for the CSV, trained, the spec shrunk to what the run kept, the model exported.

/**
 * Three classes decided by a and b; c and d are noise the network does not need. Seeded, so every run reads the
 * same rows.
 */
function kinds(rows: number, seed: number): string {
  let s = seed;
  const next = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const lines = ['a,b,c,d,kind'];
  for (let i = 0; i < rows; i++) {
    const [a, b, c, d] = [next(), next(), next(), next()];
    lines.push([a, b, c, d].map((v) => v.toFixed(4)).join(',') + `,${a + b < -0.3 ? 0 : a - b > 0.3 ? 1 : 2}`);
  }
  return `${lines.join('\n')}\n`;
}

useWorkbench(() => ({}));

const input = () => w.page.locator('.quick-input-widget .quick-input-box input');

/** Types `path` into code-server's simple file dialog (a quick input holding a path) and accepts it. */
async function dialogPath(path: string): Promise<void> {
  await waitFor('the file dialog', async () => ((await input().isVisible()) && (await input().inputValue()).startsWith('/') ? true : undefined), 30_000);
  // The dialog, still listing its folder, can put its own value back over what was typed: typePath types again.
  await typePath(path);
  await w.page.locator('.quick-input-widget .monaco-button', { hasText: /^(OK|Make a Spec)$/ }).click();
}

describe('a new user’s path: walkthrough → own CSV → trained, shrunk, exported', () => {
  scenario('1. from an empty workspace: the walkthrough’s "Your own CSV" writes a spec for train.csv, which trains, shrinks and exports', async () => {
    mkdirSync(join(w.workspace, 'data'), { recursive: true });
    writeFileSync(join(w.workspace, 'data', 'train.csv'), kinds(1500, 1));
    writeFileSync(join(w.workspace, 'data', 'test.csv'), kinds(300, 2));

    // The walkthrough, as Help → Welcome lists it.
    await w.command('Welcome: Open Walkthrough...');
    await input().fill('Get started with DropNeuron');
    await w.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with DropNeuron' }).first().waitFor({ timeout: 30_000 });
    await w.page.keyboard.press('Enter');
    const step = (title: string) => w.page.locator('.getting-started-step', { hasText: title }).first();
    await step('Open an example').waitFor({ timeout: 30_000 });
    for (const title of ['Train it', "Read the run's panel", 'Shrink the spec', 'Take the smaller model', 'Your own CSV']) await step(title).waitFor();
    await w.screenshot('walkthrough-1-steps');
    await step('Your own CSV').click();
    await w.page.locator('.getting-started-step.expanded', { hasText: 'Your own CSV' }).waitFor();
    await w.screenshot('walkthrough-1-own-csv-step');
    await w.page.locator('.getting-started-step.expanded .button-container .monaco-button', { hasText: 'New Spec from Data File…' }).click();
    await dialogPath(join(w.workspace, 'data', 'train.csv'));

    // The spec for the file: its columns, its target, its three classes, test.csv as its test set.
    await w.page.locator('.editor-group-container .tab.active[aria-label*="train.dnn"]').waitFor({ timeout: 30_000 });
    await waitFor('the spec written for train.csv', async () => ((await editorText()).includes('model train {') ? true : undefined));
    const spec = await editorText();
    assert.match(spec, /data csv "data\/train\.csv" target=kind test="data\/test\.csv"/);
    assert.match(spec, /input 4\s+task classify/);
    assert.match(spec, /dense out 3/);
    assert.match(spec, /dropneuron auto/);
    await w.screenshot('walkthrough-1-spec-for-csv');

    // Train: Save As suggests train.dnn beside the data's folder; the run trains on the saved file.
    await w.page
      .locator('.codelens-decoration a', { hasText: /^Train$/ })
      .first()
      .click();
    await waitFor(
      'the Save As dialog',
      async () => ((await input().isVisible()) && (await input().inputValue()).endsWith('/train.dnn') ? true : undefined),
      30_000,
    );
    await w.page.keyboard.press('Enter');
    const saved = join(w.workspace, 'train.dnn');
    await waitFor('the spec saved', () => (existsSync(saved) && readFileSync(saved, 'utf8').includes('model train {') ? true : undefined), 30_000);
    await waitFor('a run of train.dnn', () => (runsOf('/train.dnn').length === 1 ? true : undefined), 60_000);
    const runDir = runsOf('/train.dnn')[0]!;
    await waitFor('the run to finish', () => (readFileSync(join(runDir, 'events.jsonl'), 'utf8').includes('"type":"done"') ? true : undefined), 400_000);
    await w.screenshot('walkthrough-1-trained');

    // Shrink: the spec takes the sizes the run kept.
    await w.page.locator('.tab[data-resource-name="train.dnn"]').first().click();
    await w.command('DropNeuron: Shrink Layers to Trained Sizes');
    // A run past its tolerance asks first; one within it shrinks at once.
    const confirm = w.page.locator('.notifications-toasts .monaco-button, .dialog-buttons .monaco-button', { hasText: /^Shrink/ }).first();
    if (await appears(confirm, 3_000)) await confirm.click();
    const sizes = async (): Promise<string> => [...(await editorText()).matchAll(/dense h\d (\d+) relu/g)].map((m) => m[1]).join('-');
    await waitFor('the spec shrunk', async () => ((await sizes()) !== '64-32' ? true : undefined), 30_000);
    const shrunk = await editorText();
    await w.screenshot('walkthrough-1-shrunk');
    assert.match(shrunk, /dense out 3/, 'the output layer keeps one unit per class');

    // Export: the compact model as ONNX, where the user names it.
    const target = join(w.workspace, 'kinds.onnx');
    await exportOnnx('train.dnn', target, 'walkthrough-1-export-dialog');
    assert.ok(existsSync(target), `${target} was not written`);
    await w.screenshot('walkthrough-1-exported');
  });
});
