import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { SweepFile } from '../../protocol/sweep.ts';
import { waitFor } from './harness.ts';
import { scenario, SMALL, useWorkbench, w } from './scenario.ts';

// Issue 17, the editor side: the CodeLens above a `sweep` block starts `dropneuron sweep` in a terminal, whose
// sweep folder then holds every trial's results, the front and the chart.

const SPEC = `${SMALL(1).replace('model small', 'model swept')}
sweep {
  dropneuron 0.01 0.05
  threshold 0.05 0.08
}
`;

useWorkbench(() => ({ 'swept.dnn': SPEC }));

describe('sweeps from the editor', () => {
  scenario('1. the CodeLens above `sweep` says what it trains and runs the sweep in a terminal', async () => {
    // From the Explorer: Quick Open's file search can take longer than its wait on a busy machine.
    await w.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'swept.dnn' }).first().click();
    await w.page.locator('.tab.active[aria-label*="swept.dnn"]').waitFor({ timeout: 30_000 });
    const lens = w.page.locator('.codelens-decoration a', { hasText: 'Sweep with DropNeuron: 2 runs × 2 thresholds' }).first();
    await lens.waitFor({ timeout: 30_000 });
    await w.screenshot('sweep-1-lens');
    await lens.click();
    await w.page
      .locator('.terminal-tab, .single-terminal-tab, .tabs-list .terminal-tabs-entry', { hasText: 'DropNeuron sweep' })
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(() => {});
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
        ['dropneuron=0.01', 2],
        ['dropneuron=0.05', 2],
      ],
    );
    assert.ok(done.front.length >= 1);
    await w.screenshot('sweep-1-terminal-done');
  });
});
