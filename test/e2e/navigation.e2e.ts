import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { waitFor } from './harness.ts';
import { runsOf, scenario, setOverrides, SMALL, useWorkbench, w } from './scenario.ts';

// Finding one's way after a few runs (issue 29 item 9): a run whose pruning wrecked its model wears a warning in
// the Runs view, never the green check, and its row leads with the pruned accuracy and the compact model's size;
// a run panel's tab names the settings its run took instead of the spec's.

useWorkbench(() => ({
  // Pruning at 0.1 after one epoch removes most of fc1's weights: the pruned accuracy falls far below the unpruned one.
  'wrecked.dnn': SMALL(1).replace('model small', 'model wrecked').replace('threshold 0.08', 'threshold 0.1'),
  'tuned.dnn': SMALL(1).replace('model small', 'model tuned'),
  // On ort an epoch of it takes a fifth of a second: long enough to be watched while it trains, then stopped.
  'long.dnn': SMALL(5000).replace('model small', 'model long'),
}));

type LoggedEvent = { type: string; summary?: { damage?: { exceeded: boolean; cost: number } } };

function lastEvent(spec: string): LoggedEvent | undefined {
  const runDir = runsOf(spec).at(-1);
  if (!runDir) return undefined;
  const lines = readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').filter(Boolean);
  return lines.length ? (JSON.parse(lines.at(-1)!) as LoggedEvent) : undefined;
}

/** The run's `done` event, once its run folder has one. */
const finished = (spec: string): Promise<LoggedEvent> =>
  waitFor(`the run of ${spec} to finish`, () => (lastEvent(spec)?.type === 'done' ? lastEvent(spec) : undefined), 180_000);

const VIEW = '[id="workbench.view.extension.dropneuron"]';
const rows = () => w.page.locator(`${VIEW} .monaco-list-row`);

/** The DropNeuron sidebar (its activity bar item toggles it: clicked only while it is closed). */
async function showRunsView(): Promise<void> {
  if (!(await w.page.locator(VIEW).isVisible())) await w.page.locator('.activitybar .action-item a[aria-label^="DropNeuron"]').click();
  await w.page.locator(VIEW).waitFor();
}

/** A run panel's tab (the webview's, in the panels' group), by its title. */
const tab = (title: RegExp) => w.page.locator('.tab', { hasText: title }).first();

describe('navigation after a few runs (a real VS Code, code-server)', () => {
  scenario('1. a run that pruning wrecked: a warning in the Runs view naming the cost, the accuracy and size first', async () => {
    await w.openFile('wrecked.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    const done = await finished('wrecked.dnn');
    assert.equal(done.summary?.damage?.exceeded, true, 'the fixture wrecks its model');
    // No overrides: the tab is the spec and the time, as before.
    const wreckedTab = tab(/^wrecked\.dnn · \d\d:\d\d:\d\d/);
    await wreckedTab.waitFor({ timeout: 30_000 });
    assert.doesNotMatch((await wreckedTab.textContent()) ?? '', /dropneuron/);

    await showRunsView();
    const row = rows()
      .filter({ hasText: /wrecked · \d+\.\d\d %/ })
      .first();
    await row.waitFor({ timeout: 60_000 });
    // The label and its description: the pruned accuracy and the compact model's size, no date.
    assert.match(((await row.textContent()) ?? '').replace(/\u00a0/g, ' '), /wrecked · \d+\.\d\d %\s*[\d.,]+k? params/);
    assert.doesNotMatch((await row.textContent()) ?? '', /\d{4}-\d\d-\d\d/);
    await waitFor('the warning icon', async () => ((await row.locator('.codicon-warning').count()) === 1 ? true : undefined), 30_000);
    assert.equal(await row.locator('.codicon-pass').count(), 0, 'never the green check');
    // The tooltip says what pruning cost.
    await row.hover();
    const hover = w.page.locator('.monaco-hover, .workbench-hover', { hasText: 'pruning at threshold 0.1 cost' }).first();
    await hover.waitFor({ timeout: 30_000 });
    const said = ((await hover.textContent()) ?? '').replace(/\u00a0/g, ' ');
    assert.match(said, /pruning at threshold 0\.1 cost \d+\.\d+ points: \d+\.\d\d % → \d+\.\d\d %, more than the tolerance of/);
    assert.match(said, /started \d{4}-\d\d-\d\d \d\d:\d\d/, 'the date is in the tooltip');
    await w.screenshot('navigation-1-damaged-row');
  });

  scenario('2. a run with overrides: its panel’s tab names them after the time, and its row says them too', async () => {
    try {
      await setOverrides({ dropneuron: 0.1 });
      await w.openFile('tuned.dnn');
      await w.command('DropNeuron: Train with DropNeuron');
      // The panel opens before the run's start event and is retitled when it names the overrides.
      const tunedTab = tab(/^tuned\.dnn · \d\d:\d\d:\d\d · dropneuron 0\.1/);
      await tunedTab.waitFor({ timeout: 60_000 });
      await finished('tuned.dnn');
      // The earlier run's tab still reads apart, and the tab regex of the other e2e files still finds both.
      const tabs = (await w.page.locator('.tab').allTextContents()).map((t) => t.trim());
      assert.ok(
        tabs.some((t) => /^wrecked\.dnn · \d\d:\d\d:\d\d/.test(t)),
        tabs.join(' | '),
      );
      assert.ok(
        tabs.some((t) => /^tuned\.dnn · \d\d:\d\d:\d\d · dropneuron 0\.1/.test(t)),
        tabs.join(' | '),
      );
      await showRunsView();
      const row = rows()
        .filter({ hasText: /tuned · \d+\.\d\d %/ })
        .first();
      await row.waitFor({ timeout: 60_000 });
      assert.match((await row.textContent()) ?? '', /params · dropneuron 0\.1/);
      await w.screenshot('navigation-2-override-tab');
      // Showing the run from its row reveals its panel: the same tab, not a second one.
      await row.click();
      await waitFor('the run’s panel in front', async () => ((await tunedTab.getAttribute('class'))?.includes('active') ? true : undefined), 30_000);
      assert.equal(await w.page.locator('.tab', { hasText: /^tuned\.dnn · / }).count(), 1, 'one panel for the run');
    } finally {
      await setOverrides({});
    }
  });

  scenario(
    '3. while a run trains: no notification over its panel, its Runs row follows its epochs, and the Layers view keeps the spec when the panel has the focus',
    async () => {
      await w.openFile('long.dnn');
      await w.command('DropNeuron: Train with DropNeuron');
      await showRunsView();
      const row = rows().filter({ hasText: /^long/ }).first();
      const epochs = async (): Promise<number | undefined> => {
        const m = /(\d+)\/5000 epochs/.exec((await row.textContent().catch(() => '')) ?? '');
        return m ? Number(m[1]) : undefined;
      };
      const first = await waitFor('the row’s epochs', async () => (((await epochs()) ?? 0) > 0 ? await epochs() : undefined), 120_000);
      // The row moves on with the run (it stayed at the epochs it was first read at, until the run ended).
      await waitFor('the row to follow the run', async () => (((await epochs()) ?? 0) >= first + 2 ? true : undefined), 120_000);
      // The progress notification has gone once the run trains: the panel and the status bar follow it (it covered the panel's bottom).
      assert.equal(await w.page.locator('.notifications-toasts .notification-toast', { hasText: 'Training long.dnn' }).count(), 0);
      await w.screenshot('navigation-3-runs-row-follows');
      // The run's panel takes the focus; the Layers view still shows long.dnn's layers, not "Open a .dnn spec".
      const panelTab = tab(/^long\.dnn · /);
      await panelTab.click();
      await w.page.locator('.editor-group-container.active .tab.active', { hasText: /^long\.dnn · / }).waitFor();
      await w.page.locator(`${VIEW} .monaco-list-row`, { hasText: /^fc1/ }).first().waitFor({ timeout: 10_000 });
      assert.equal(await w.page.locator(`${VIEW} .welcome-view-content`, { hasText: 'Open a .dnn spec' }).isVisible(), false);
      await w.screenshot('navigation-3-layers-follow-spec');
      await w.page.locator('.tab[data-resource-name="long.dnn"]').first().click();
      await w.command('DropNeuron: Stop Training');
      await finished('long.dnn');
    },
  );
});
