import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import { waitFor } from './harness.ts';
import { editorText, runsOf, scenario, SMALL, useWorkbench, w } from './scenario.ts';

// Runs a user can trust: a run that survives Reload Window, a dead run that says so and resumes, pruning that
// wrecked the model never shown as a success, a wrong Node path with a button that fixes it, several runs at once.

// Long enough that the run is still training when Stop is clicked after the reload (300 epochs finished first once in CI).
const SURVIVOR_EPOCHS = 2000;
const KILLED_EPOCHS = 12;

useWorkbench(() => ({
  'survivor.dnn': SMALL(SURVIVOR_EPOCHS).replace('model small', 'model survivor'),
  // Long enough to be killed while it trains: its epochs are watched in its folder, not in the status bar (which redraws once a second).
  'killed.dnn': SMALL(KILLED_EPOCHS).replace('model small', 'model killed'),
  // Pruning at 0.1 after one epoch removes most of fc1's weights: the pruned accuracy falls far below the unpruned one.
  'wrecked.dnn': SMALL(1).replace('model small', 'model wrecked').replace('threshold 0.08', 'threshold 0.1'),
  'node.dnn': SMALL(1).replace('model small', 'model node'),
  // Both still training while the status bar sums them up (stopped by the scenario): on ort 300 epochs last a minute.
  'first.dnn': SMALL(5000).replace('model small', 'model first'),
  'second.dnn': SMALL(5000).replace('model small', 'model second'),
}));

type LoggedEvent = {
  type: string;
  stopped?: boolean;
  epochsCompleted?: number;
  epoch?: number;
  startEpoch?: number;
  summary?: { damage?: { exceeded: boolean } };
};

function events(runDir: string): LoggedEvent[] {
  return readFileSync(join(runDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LoggedEvent);
}

const status = async (): Promise<string> =>
  (
    (await w.page
      .locator('.statusbar-item', { hasText: 'DropNeuron:' })
      .first()
      .textContent({ timeout: 1_000 })
      .catch(() => '')) ?? ''
  ).replace(/\u00a0/g, ' ');

/** The status bar's DropNeuron text once it matches. */
async function statusMatches(pattern: RegExp, what: string, timeoutMs = 120_000): Promise<string> {
  return waitFor(
    what,
    async () => {
      const t = await status();
      return pattern.test(t) ? t : undefined;
    },
    timeoutMs,
  );
}

function trainerPid(runDir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(runDir, 'trainer.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

describe('runs a user can trust (a real VS Code, code-server)', () => {
  scenario('1. a run survives Reload Window: the status bar follows it live after the reload, and Stop works', async () => {
    await w.openFile('survivor.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    // Epoch 2 or later: the item redraws once a second, and ort may be at epoch 10 by then.
    await statusMatches(new RegExp(`DropNeuron: epoch ([2-9]|\\d{2,})/${SURVIVOR_EPOCHS}`), 'epoch 2 of the run');
    const runDir = runsOf('survivor.dnn').at(-1)!;
    const pid = trainerPid(runDir);
    assert.ok(pid, 'trainer.json names the trainer');
    await w.command('Developer: Reload Window');
    await w.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    const before = events(runDir).filter((e) => e.type === 'epoch').length;
    // After the reload the extension asks the server which runs it follows: the status bar shows the run, then its new epochs.
    const seen = await statusMatches(new RegExp(`DropNeuron: epoch \\d+/${SURVIVOR_EPOCHS}`), 'the run in the status bar after the reload', 180_000);
    const epochOf = (t: string): number => Number(new RegExp(`epoch (\\d+)/${SURVIVOR_EPOCHS}`).exec(t)?.[1]);
    await statusMatches(new RegExp(`DropNeuron: epoch (?!${epochOf(seen)}/)\\d+/${SURVIVOR_EPOCHS}`), 'a later epoch, followed live', 120_000);
    assert.equal(trainerPid(runDir), pid, 'the same trainer, still training');
    assert.ok(events(runDir).filter((e) => e.type === 'epoch').length > before);
    // The run's panel, restored by the reload, shows the run again (not a blank page) and follows it live.
    await w.stats().locator('#title', { hasText: 'DropNeuron · survivor' }).waitFor({ timeout: 60_000 });
    const panelStatus = async (): Promise<string> =>
      (await w
        .stats()
        .locator('#status')
        .textContent({ timeout: 1_000 })
        .catch(() => '')) ?? '';
    const shown = await waitFor(
      'the restored panel to show the run training',
      async () => ((await panelStatus()).match(new RegExp(`^epoch \\d+/${SURVIVOR_EPOCHS}`)) ? panelStatus() : undefined),
      60_000,
    );
    await waitFor(
      'the restored panel to follow the run live',
      async () => ((await panelStatus()).match(new RegExp(`^epoch (?!${epochOf(shown)}/)\\d+/${SURVIVOR_EPOCHS}`)) ? true : undefined),
      60_000,
    );
    assert.ok(await w.stats().locator('#stop').isVisible(), 'the restored panel offers Stop');
    await w.screenshot('runs-1-after-reload');
    // The item redraws once a second while the run trains, replacing its label's elements: a click whose press and
    // release straddle a redraw is lost in the browser (CI saw it once on a loaded machine). A user clicks again; so does this.
    const stopItem = w.page.locator('.statusbar-item', { hasText: 'DropNeuron: epoch' });
    await stopItem.click();
    if (!(await waitFor('the run to end', () => (events(runDir).at(-1)?.type === 'done' ? true : undefined), 20_000).catch(() => false))) {
      console.log('runs 1: the first click on the status bar item did not stop the run; clicking again');
      await stopItem.click();
    }
    await statusMatches(/DropNeuron: \d+\.\d\d %/, 'the stopped run’s result', 120_000);
    const done = events(runDir).at(-1)!;
    assert.equal(done.type, 'done', 'the run folder says it ended');
    assert.equal(done.stopped, true, 'stopped, not finished');
    await waitFor('trainer.json to go', () => (existsSync(join(runDir, 'trainer.json')) ? undefined : true), 30_000);
    await w.screenshot('runs-1-stopped');
  });

  scenario('2. a killed trainer shows as interrupted, and Resume continues it from its last checkpoint', async () => {
    await w.openFile('killed.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    const runDir = await waitFor('the run folder', () => runsOf('killed.dnn').at(-1), 60_000);
    await waitFor('epoch 2 in the run folder', () => (events(runDir).some((e) => e.type === 'epoch' && (e.epoch ?? 0) >= 2) ? true : undefined), 60_000);
    process.kill(trainerPid(runDir)!, 'SIGKILL');
    assert.ok(!events(runDir).some((e) => e.type === 'done'), 'killed while it trained');
    await statusMatches(/DropNeuron: killed interrupted/, 'the run shown as interrupted', 60_000);
    await w.page.locator('.notifications-toasts', { hasText: 'was interrupted after epoch' }).waitFor({ timeout: 30_000 });
    await w.screenshot('runs-2-interrupted');
    const checkpoint = (JSON.parse(readFileSync(join(runDir, 'checkpoint.json'), 'utf8')) as { epoch: number }).epoch;
    // The status bar item's click is Resume.
    await w.page.locator('.statusbar-item', { hasText: 'DropNeuron: killed interrupted' }).click();
    await statusMatches(/DropNeuron: \d+\.\d\d %/, 'the resumed run’s result', 180_000);
    const log = events(runDir);
    const starts = log.filter((e) => e.type === 'start');
    assert.equal(starts.at(-1)!.startEpoch, checkpoint + 1, 'resumed right after its last checkpoint');
    const done = log.at(-1)!;
    assert.ok(done.type === 'done' && !done.stopped && done.epochsCompleted === KILLED_EPOCHS, JSON.stringify(done));
    assert.deepEqual(
      log.filter((e) => e.type === 'epoch').map((e) => e.epoch),
      Array.from({ length: KILLED_EPOCHS }, (_, i) => i + 1),
      'every epoch once',
    );
    await w.screenshot('runs-2-resumed');
  });

  scenario('3. pruning that wrecks the model: a warning in the status bar, and Shrink asks first, showing the cost', async () => {
    await w.openFile('wrecked.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    const done = await waitFor(
      'the run to finish',
      () => {
        const runDir = runsOf('wrecked.dnn').at(-1);
        const last = runDir ? events(runDir).at(-1) : undefined;
        return last?.type === 'done' ? last : undefined;
      },
      180_000,
    );
    assert.equal(done.summary?.damage?.exceeded, true);
    await statusMatches(/DropNeuron: \d+\.\d\d % · [\d.,]+[kM]? params · pruning cost \d+\.\d+ points/, 'the damage warning in the status bar');
    const item = w.page.locator('.statusbar-item', { hasText: 'pruning cost' }).first();
    assert.match((await item.getAttribute('class')) ?? '', /warning-kind/, 'shown as a warning, never a check mark');
    await w.screenshot('runs-3-damage-status');
    // The editor's tab (the run's panel, in the other group, is named after the spec too).
    await w.page.locator('.tab', { hasText: 'wrecked.dnn' }).first().click();
    await w.command('DropNeuron: Shrink Layers to Trained Sizes');
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const said = ((await dialog.textContent()) ?? '').replace(/\u00a0/g, ' ');
    assert.match(said, /Shrink to sizes whose pruning cost \d+\.\d+ points\?/);
    assert.match(said, /New sizes: fc1 64 → \d+/);
    assert.match(said, /pruning at threshold 0\.1 cost \d+\.\d+ points: \d+\.\d\d % → \d+\.\d\d %/);
    await w.screenshot('runs-3-shrink-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.match(await editorText(), /dense fc1 64 relu/, 'cancelled: the spec keeps its sizes');
  });

  scenario('4. a wrong dropneuron.trainer.nodePath: one sentence, and Open Settings opens that setting', async () => {
    const settings = join(w.workspace, '.vscode', 'settings.json');
    mkdirSync(join(w.workspace, '.vscode'), { recursive: true });
    writeFileSync(settings, JSON.stringify({ 'dropneuron.trainer.nodePath': '/no/such/node' }));
    try {
      await w.openFile('node.dnn');
      const toast = w.page.locator('.notifications-toasts .notification-toast', {
        hasText: 'dropneuron.trainer.nodePath names (/no/such/node) does not exist',
      });
      // The editor reads the settings file when its watcher notices the change.
      await new Promise((r) => setTimeout(r, 3_000));
      await w.command('DropNeuron: Train with DropNeuron');
      await toast.waitFor({ timeout: 30_000 });
      await w.screenshot('runs-4-nodepath-error');
      await toast.getByRole('button', { name: 'Open Settings' }).click();
      await w.page.locator('.settings-editor').waitFor({ timeout: 30_000 });
      await w.page.locator('.settings-editor .setting-item-contents:visible', { hasText: 'Node Path' }).first().waitFor({ timeout: 30_000 });
      await w.screenshot('runs-4-settings-opened');
      assert.equal(runsOf('node.dnn').length, 0, 'nothing started');
    } finally {
      rmSync(settings, { force: true });
    }
  });

  scenario('5. two runs at once: the status bar sums them up, and a click picks the one to show', async () => {
    await w.openFile('first.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    await statusMatches(/DropNeuron: epoch \d+\/5000/, 'the first run');
    await w.openFile('second.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    await statusMatches(/DropNeuron: 2 runs · \w+ fc1 \d+\/64/, 'both runs in one summary');
    await w.screenshot('runs-5-two-runs');
    await w.page.locator('.statusbar-item', { hasText: 'DropNeuron: 2 runs' }).click();
    const rows = w.page.locator('.quick-input-list .monaco-list-row:visible');
    await rows.first().waitFor({ timeout: 15_000 });
    const labels = (await rows.allTextContents()).join('\n');
    assert.match(labels, /first/);
    assert.match(labels, /second/);
    await w.screenshot('runs-5-pick');
    await w.page.keyboard.press('Escape');
    // Stopped as Stop does for a run this window did not start: SIGTERM to the pid in its folder.
    // The status bar counts a run from its spawn; its folder gets run.json once the trainer has loaded its data and
    // started its workers, which on two busy cores can take a few seconds more.
    for (const spec of ['first.dnn', 'second.dnn']) {
      const pid = await waitFor(
        `${spec}'s run folder and trainer pid`,
        () => {
          const dir = runsOf(spec).at(-1);
          return dir ? trainerPid(dir) : undefined;
        },
        60_000,
      );
      process.kill(pid, 'SIGTERM');
    }
    await waitFor(
      'both runs to stop',
      () => (['first.dnn', 'second.dnn'].every((s) => events(runsOf(s).at(-1)!).at(-1)?.type === 'done') ? true : undefined),
      120_000,
    );
  });
});
