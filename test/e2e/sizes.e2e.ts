import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { Summary } from '../../protocol/events.ts';
import { formatCount } from '../../protocol/present.ts';
import { generate, TASKS } from '../../scripts/tabular-tasks.ts';
import { waitFor } from './harness.ts';
import { editorText, frameWith, runsOf, scenario, useWorkbench, w, focusSpecEditor } from './scenario.ts';

// Issue 29 item 5, sizes that disagree: a run's summary leads with the size of the model the user gets (the compact
// model's parameters and bytes), and its sparse-weight figure says what it counts; a layer's kept neurons are one
// number in the panel, the Layers view, the inlay hint after Shrink and the pruned spec. This table and λ prune fc1 to
// a size where a neuron keeps incoming weights but loses its outgoing ones: counted as kept by nonzero columns, it is
// not in the compact model.

const TASK = generate(
  TASKS.find((t) => t.name === 'user-8c-4i-3k')!,
  1000,
);

const SPEC = `model churn {
  data csv "customers.csv" target=y
  input 8
  task classify
  dense fc1 64 relu
  dense out 3
}

regularize {
  dropneuron 0.2
  threshold 0.05
}

train {
  epochs 20
  batch 32
  seed 1
}
`;

useWorkbench(() => ({ 'customers.csv': TASK.csvText, 'churn.dnn': SPEC }));

const tab = (spec: string) => w.page.locator('.tab', { hasText: new RegExp(`^${spec.replace('.', '\\.')} · \\d\\d:\\d\\d:\\d\\d`) });
const VIEW = '[id="workbench.view.extension.dropneuron"]';

function runDir(): string {
  const dir = runsOf('churn.dnn').at(-1);
  assert.ok(dir, 'expected a run folder of churn.dnn');
  return dir;
}

const summaryOf = (): Summary => JSON.parse(readFileSync(join(runDir(), 'summary.json'), 'utf8')) as Summary;

describe('sizes that agree (a real VS Code, code-server)', () => {
  scenario('1. the panel leads with the compact model the user gets, and fc1’s kept neurons are one number in the panel and the Layers view', async () => {
    await w.openFile('churn.dnn');
    await w.command('DropNeuron: Train with DropNeuron');
    await tab('churn.dnn').waitFor({ timeout: 60_000 });
    const frame = await frameWith('#title:text-is("DropNeuron · churn")');
    await frame.locator('#status[data-status="done"]').waitFor({ timeout: 240_000 });
    const summary = summaryOf();
    const kept = summary.compactSizes.fc1!;
    assert.ok(kept < 64, `expected fc1 pruned, found ${kept}`);
    // The one rule: the summary's kept count is the compact model's size.
    assert.equal(summary.layers.find((l) => l.name === 'fc1')!.neuronsKept, kept);

    // The first card is the compact model: its parameters, their share of the full model's and its bytes.
    const cards = frame.locator('#overview [data-card]');
    assert.equal(await cards.first().getAttribute('data-card'), 'compact');
    assert.equal(await frame.locator('[data-card="compact"] .value').textContent(), formatCount(summary.compactParams));
    assert.match(
      (await frame.locator('[data-card="compact"] .label').textContent()) ?? '',
      new RegExp(`^compact model parameters \\([\\d.]+ % of ${formatCount(summary.fullParams)}\\) · [\\d.]+ KB$`),
    );
    // The sparse-weight figure is labelled as such, after it.
    assert.equal(await frame.locator('[data-card="compression"] .label').textContent(), 'fewer non-zero weights');
    assert.match(
      (await frame.locator('#verdict').textContent()) ?? '',
      new RegExp(
        `^Compact model ${formatCount(summary.compactParams)} parameters \\([\\d.]+ % of ${formatCount(summary.fullParams)}\\) · [\\d.]+ KB · [\\d.]+× fewer non-zero weights · test accuracy`,
      ),
    );
    // fc1's kept neurons: the layer bar and the summary table say the compact size.
    assert.equal(await frame.locator('.layer[data-layer="fc1"] .layer-label').textContent(), `fc1 64 → ${kept}`);
    const rows = await frame.locator('#summary tr').allTextContents();
    assert.ok(
      rows.some((r) => r.startsWith(`fc1${kept} of 64`)),
      rows.join('\n'),
    );
    // The inputs: one count, the kept-inputs file's.
    const keptInputs = (JSON.parse(readFileSync(join(runDir(), 'kept-inputs.json'), 'utf8')) as { kept: number[] }).kept;
    assert.equal(await frame.locator('[data-card="inputs"] .value').textContent(), `${keptInputs.length} of 8`);
    // And which columns: the CSV's names of the kept inputs, in the header's order.
    const header = readFileSync(join(w.workspace, 'customers.csv'), 'utf8')
      .split('\n')[0]!
      .split(',')
      .filter((c) => c !== 'y');
    const named = ((await frame.locator('[data-card="inputs"] .label').textContent()) ?? '').split(': ')[1];
    assert.equal(named, keptInputs.map((i) => header[i]).join(', '));
    await frame.locator('#overview').scrollIntoViewIfNeeded();
    await w.screenshot('sizes-1-panel');
    await frame.locator('#summary-box').scrollIntoViewIfNeeded();
    await w.screenshot('sizes-1-summary');

    // The Layers view: the same number.
    if (!(await w.page.locator(VIEW).isVisible())) await w.page.locator('.activitybar .action-item a[aria-label^="DropNeuron"]').click();
    await w.page.locator(`${VIEW} .monaco-list-row`, { hasText: `64 → ${kept} kept` }).waitFor({ timeout: 30_000 });
    await w.screenshot('sizes-1-layers-view');
  });

  scenario('2. after Shrink the spec, its inlay hint and the pruned spec say the same fc1 size, and read only the columns the run still read', async () => {
    const kept = summaryOf().compactSizes.fc1!;
    await focusSpecEditor(false);
    await w.command('DropNeuron: Shrink Layers to Trained Sizes');
    const dialog = w.page.locator('.monaco-dialog-box');
    const shrunk = async () => ((await editorText()).includes(`dense fc1 ${kept} relu`) ? true : undefined);
    await waitFor('the shrunk layer or the question', async () => ((await dialog.isVisible()) ? true : await shrunk()), 30_000);
    if (await dialog.isVisible()) await dialog.getByRole('button', { name: 'Shrink Anyway' }).click();
    await waitFor(`Shrink to write fc1 ${kept}`, shrunk, 30_000);
    // The inlay hint after the shrunk line: what the run kept of the 64 it trained, the same number.
    await waitFor(`the inlay hint to say ${kept}/64 kept`, async () => ((await editorText()).includes(`${kept}/64 kept`) ? true : undefined), 30_000);
    const hints = (await editorText()).match(/\d+\/64 kept/g) ?? [];
    assert.deepEqual(hints, [`${kept}/64 kept`]);
    // The pruned spec the run wrote says it too.
    assert.match(readFileSync(join(runDir(), 'churn.pruned.dnn'), 'utf8'), new RegExp(`dense fc1 ${kept} relu`));
    // The columns the run stopped reading are dropped from the data line, and `input` counts the rest.
    const keptInputs = (JSON.parse(readFileSync(join(runDir(), 'kept-inputs.json'), 'utf8')) as { kept: number[] }).kept;
    assert.ok(keptInputs.length < 8, 'the fixture’s λ leaves columns unread');
    const header = readFileSync(join(w.workspace, 'customers.csv'), 'utf8')
      .split('\n')[0]!
      .split(',')
      .filter((c) => c !== 'y');
    const columns = `columns="${keptInputs.map((i) => header[i]).join(',')}"`;
    assert.ok((await editorText()).includes(`data csv "customers.csv" target=y ${columns}`), await editorText());
    assert.match(await editorText(), new RegExp(`input ${keptInputs.length}\\b`));
    assert.ok(readFileSync(join(runDir(), 'churn.pruned.dnn'), 'utf8').includes(columns));
    await w.screenshot('sizes-2-shrunk');
  });
});
