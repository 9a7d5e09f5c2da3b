import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { panelTitle } from '../../client/src/panelTitle.ts';
import { runRows, shortOverrides, sweepRows } from '../../client/src/views/runsModel.ts';
import { formatParamsShort } from '../../protocol/present.ts';
import { runSummaryOf as summaryOfDone } from '../../protocol/runFolder.ts';
import type { DoneEvent, StartEvent, TrainerEvent } from '../../protocol/events.ts';
import type { RunInfo, SweepInfo } from '../../protocol/lsp.ts';
import { pruningDamage } from '../../protocol/prune.ts';
import { ROOT } from '../helpers/cli.ts';

// Finding one's way among a few runs (issue 29 item 9): a damaged run never wears the check mark in the Runs view,
// its rows lead with what a narrow sidebar must show, and run panels' tabs say what tells two runs apart.

const EVENTS = readFileSync(join(ROOT, 'test', 'fixtures', 'events', 'mnist-small.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as TrainerEvent);
const START = EVENTS[0] as StartEvent;
const DONE = EVENTS.at(-1) as DoneEvent;

/** The recorded run, as if its pruning had cost 88.16 % → 29.58 % (the LeNet-300-100 run of the issue). */
function wrecked(): DoneEvent {
  const summary = { ...DONE.summary, beforePrune: 0.8816, afterPrune: 0.2958 };
  summary.damage = pruningDamage('accuracy', summary.beforePrune, summary.afterPrune, 0.1, 1);
  return { ...DONE, summary };
}

const INFO: RunInfo = {
  runDir: '/w/.dropneuron/runs/tabular-1',
  specPath: '/w/tabular.dnn',
  started: '2026-12-06T04:42:54.000Z',
  model: 'tabular',
  finished: true,
  state: 'done',
  backend: 'wasm',
  epochs: 5,
  epochsCompleted: 5,
  metric: 'accuracy',
  compactSizes: DONE.summary.compactSizes,
};

/** The summary a run folder's RunInfo carries: its last `done`'s (store/runFolder.ts). */
function runSummaryOf(events: readonly TrainerEvent[]) {
  const done = events.filter((e) => e.type === 'done').at(-1);
  return done?.type === 'done' ? summaryOfDone(done.summary) : undefined;
}

describe('the Runs view after a few runs', () => {
  it('a run whose pruning cost more than its tolerance is marked damaged, and its tooltip says the cost and the remedies', () => {
    const summary = runSummaryOf([...EVENTS.slice(0, -1), wrecked()])!;
    assert.equal(summary.damage?.exceeded, true);
    const [row] = runRows([{ ...INFO, summary }]);
    assert.equal(row!.state, 'done');
    assert.equal(row!.verdict, 'damaged', 'never the check mark');
    assert.match(row!.tooltip, /pruning at threshold 0\.1 cost 58\.6 points: 88\.16 % → 29\.58 %, more than the tolerance of 1\.00 point/);
    assert.match(row!.tooltip, /lower `threshold` or a smaller `dropneuron` λ/);
  });

  it('a run within its tolerance keeps its check mark; one that pruned nothing gets the guidance; without a summary, no verdict', () => {
    const fine = { ...DONE.summary, damage: pruningDamage('accuracy', 0.8801, 0.8301, 0.08, 10) };
    const [ok] = runRows([{ ...INFO, summary: runSummaryOf([{ ...DONE, summary: fine }])! }]);
    assert.equal(ok!.verdict, undefined);
    assert.match(ok!.tooltip, /pruning cost 5\.00 points, within the tolerance of 10\.0 points/);
    const guidance = 'Nothing was pruned: dropneuron 0.0005 is too weak for this network; try dropneuron auto.';
    const [idle] = runRows([{ ...INFO, summary: runSummaryOf([{ ...DONE, summary: { ...DONE.summary, guidance } }])! }]);
    assert.equal(idle!.verdict, 'guidance');
    assert.ok(idle!.tooltip.includes(guidance));
    assert.equal(runRows([INFO])[0]!.verdict, undefined);
  });

  it('the row leads with the model, its pruned metric and the compact model’s size; dates, backend and folder are in the tooltip', () => {
    const [row] = runRows([{ ...INFO, overrides: { dropneuron: 0.1 }, summary: runSummaryOf(EVENTS)! }]);
    assert.equal(row!.label, 'tabular · 83.01 %');
    assert.equal(row!.description, `${formatParamsShort(DONE.summary.compactParams)} · dropneuron 0.1`);
    assert.equal(row!.description, '19.3k params · dropneuron 0.1');
    assert.doesNotMatch(`${row!.label} ${row!.description}`, /2026|wasm|epochs/, 'no date, backend or epochs before the essentials');
    const tooltip = row!.tooltip.split('\n');
    assert.deepEqual(tooltip.slice(0, 2), ['tabular: finished', 'accuracy 83.01 % after pruning (87.95 % before)']);
    assert.ok(
      tooltip.includes(
        `compact model: ${DONE.summary.compactParams.toLocaleString('en-US')} of ${DONE.summary.fullParams.toLocaleString('en-US')} parameters; 11.9× fewer non-zero weights`,
      ),
    );
    assert.ok(tooltip.includes('overriding the spec: dropneuron 0.1'));
    assert.deepEqual(tooltip.slice(-2), ['started 2026-12-06 04:42 · 5/5 epochs · on wasm', '/w/.dropneuron/runs/tabular-1']);
  });

  it('a run without a result says where it stands after the model', () => {
    const running = { ...INFO, finished: false, state: 'running' as const, epochsCompleted: 7, epochs: 30 };
    delete running.compactSizes;
    assert.deepEqual(
      [running, { ...running, state: 'interrupted' as const }, { ...running, state: 'failed' as const }].map((r) => {
        const [row] = runRows([r]);
        return [row!.label, row!.description];
      }),
      [
        ['tabular · training', '7/30 epochs'],
        ['tabular · interrupted', '7/30 epochs'],
        ['tabular · failed', '7/30 epochs'],
      ],
    );
  });

  it('a sweep’s trial rows take the same summaries', () => {
    const info: SweepInfo = {
      sweepDir: '/w/.dropneuron/sweeps/tabular',
      model: 'tabular',
      sweep: {
        version: 1,
        specPath: '/w/tabular.dnn',
        axes: [],
        trials: [{ id: 't1', settings: { dropneuron: 0.5 }, runDir: 'trials/t1', status: 'done' }],
        front: [],
      },
      runs: { t1: { ...INFO, summary: runSummaryOf([wrecked()])! } },
    } as unknown as SweepInfo;
    const [row] = sweepRows([info]);
    assert.equal(row!.trials[0]!.run?.row.verdict, 'damaged');
  });

  it('sizes and overrides read short; a run without a done has no summary', () => {
    assert.deepEqual([1234, 21_000, 210_210, 1_234_567].map(formatParamsShort), ['1,234 params', '21k params', '210k params', '1.23M params']);
    assert.equal(shortOverrides(undefined), '');
    assert.equal(shortOverrides({ dropneuron: 0.1 }), 'dropneuron 0.1');
    assert.equal(shortOverrides({ dropneuron: 0.1, epochs: 3, threshold: 0.05, l1: 0 }), 'dropneuron 0.1, epochs 3 +2 more');
    assert.equal(runSummaryOf(EVENTS.slice(0, -1)), undefined, 'no done, no summary');
  });
});

describe('run panels’ titles', () => {
  const now = new Date(2026, 11, 6, 9, 0, 0);
  const started = new Date(2026, 11, 6, 4, 42, 54).toISOString();
  const run = (overrides?: Record<string, number | string>): { uri: string; events: TrainerEvent[] } => ({
    uri: 'file:///w/tabular.dnn',
    events: [{ ...START, specPath: '/w/tabular.dnn', ...(overrides ? { overrides } : {}) }],
  });

  it('the spec and the start time, then the overrides that tell two runs apart', () => {
    assert.equal(panelTitle(run(), started, now), 'tabular.dnn · 04:42:54');
    assert.equal(panelTitle(run({ dropneuron: 0.1 }), started, now), 'tabular.dnn · 04:42:54 · dropneuron 0.1');
    assert.equal(panelTitle(run({ dropneuron: 0.1, epochs: 3, threshold: 0.05 }), started, now), 'tabular.dnn · 04:42:54 · dropneuron 0.1, epochs 3 +1 more');
  });

  it('keeps the time right after the spec, as the e2e tests find a run’s tab', () => {
    const tab = /^tabular\.dnn · \d\d:\d\d:\d\d/;
    assert.match(panelTitle(run({ dropneuron: 0.1 }), started, now), tab);
    assert.match(panelTitle(run(), undefined, now), tab, 'a run just started: now');
  });

  it('a run of another day gets its day; before its start event the title comes from the document', () => {
    assert.equal(panelTitle(run(), new Date(2026, 11, 4, 4, 42, 54).toISOString(), now), 'tabular.dnn · 4 Dec 04:42:54');
    assert.equal(panelTitle({ uri: 'file:///w/my%20spec.dnn', events: [] }, started, now), 'my spec.dnn · 04:42:54');
  });
});
