import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../language/index.ts';
import { RunStore } from '../../client/src/runStore.ts';
import { layerRows } from '../../client/src/views/layersModel.ts';
import { layerInfos } from '../../server/src/layers.ts';
import { runRows } from '../../client/src/views/runsModel.ts';
import { isFromWebview, isToWebview } from '../../client/webview/messages.ts';
import { metricWord, replay } from '../../client/webview/viewModel.ts';
import { formatMetric } from '../../protocol/present.ts';
import type { DoneEvent, Summary, TrainerEvent } from '../../protocol/events.ts';
import { ROOT } from '../helpers/cli.ts';

const fixtures = join(ROOT, 'test', 'fixtures', 'events');
const EVENTS = readFileSync(join(fixtures, 'mnist-small.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as TrainerEvent);
const DONE = EVENTS.at(-1) as DoneEvent;
const SPEC = readFileSync(join(fixtures, 'mnist-small.dnn'), 'utf8');

describe('stats view model from a recorded run', () => {
  it('has one row per epoch, the layer bars and the mask of the last epoch, then the summary', () => {
    const s = replay(EVENTS);
    assert.equal(s.status, 'done');
    assert.deepEqual(
      s.rows.map((r) => r.epoch),
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual(
      s.layers.map((l) => [l.name, l.total, l.kept]),
      [
        ['fc1', 64, 55],
        ['fc2', 32, 32],
        ['out', 10, 10],
      ],
    );
    assert.equal(s.mask?.bits.length, 784);
    assert.equal(s.summary?.compactSizes.fc1, 55);
    assert.ok(s.rows.every((r) => r.penalty > 0 && r.dataLoss > 0));
  });

  it('a stopped run shows one count of its inputs: the summary’s, with its own picture or none', () => {
    const bits = (n: number): string => '1'.repeat(n) + '0'.repeat(784 - n);
    const epochs = EVENTS.slice(0, -1).map((e) => (e.type === 'epoch' ? { ...e, inputMask: { shape: [28, 28] as [number, number], bits: bits(563) } } : e));
    const stopped = (summary: Summary): DoneEvent => ({ ...DONE, stopped: true, summary });
    // The summary pruned weights a little past the last epoch's: 570 inputs, not the picture's 563.
    const older = replay([...epochs, stopped({ ...DONE.summary, inputs: { kept: 570, total: 784 } })]);
    assert.equal(older.inputs?.kept, 570);
    assert.equal(older.mask, undefined, 'a picture that counts otherwise is not shown beside the count');
    const now = replay([...epochs, stopped({ ...DONE.summary, inputs: { kept: 570, total: 784 }, inputMask: { shape: [28, 28], bits: bits(570) } })]);
    assert.equal([...now.mask!.bits].filter((b) => b === '1').length, now.inputs?.kept);
  });

  it('mid-run, replaying the events so far gives the state a late-opened panel shows', () => {
    const s = replay(EVENTS.slice(0, 3));
    assert.equal(s.status, 'running');
    assert.equal(s.rows.length, 2);
    assert.equal(s.summary, undefined);
  });

  it('marks the epochs of a prune-and-fine-tune run by phase, with no l1 or DropNeuron loss once pruned', () => {
    const events = readFileSync(join(fixtures, 'mnist-finetune.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TrainerEvent);
    const s = replay(events);
    assert.equal(s.epochs, 5);
    assert.deepEqual(
      s.rows.map((r) => r.phase),
      ['train', 'train', 'train', 'finetune', 'finetune'],
    );
    assert.ok(s.rows.slice(3).every((r) => r.penalty === 0));
    assert.ok(s.rows[4]!.density <= s.rows[2]!.density);
  });

  it('names the metric in the charts’ captions, neutrally before the start event says which (it read “METRIC per epoch”)', () => {
    assert.deepEqual(
      [undefined, 'accuracy', 'mse', 'nmse'].map((m) => [metricWord(m as 'mse' | undefined, true), metricWord(m as 'mse' | undefined, false)]),
      [
        ['Metric', 'metric'],
        ['Accuracy', 'accuracy'],
        ['MSE', 'MSE'],
        ['NMSE', 'NMSE'],
      ],
    );
  });

  it('formats metrics', () => {
    assert.equal(formatMetric('accuracy', 0.98123), '98.12 %');
    assert.equal(formatMetric('nmse', 0.000358), '3.580e-4');
  });
});

describe('webview messages are validated on receipt', () => {
  it('accepts the typed union only', () => {
    assert.ok(isToWebview({ type: 'event', runId: 'r', event: EVENTS[0] }));
    assert.ok(isToWebview({ type: 'reset', runId: 'r', title: 't', events: EVENTS }));
    assert.ok(!isToWebview({ type: 'event', runId: 'r', event: { type: 'epoch' } }));
    assert.ok(!isToWebview({ type: 'reset', runId: 'r', title: 't', events: [{ v: 2, type: 'start' }] }));
    assert.ok(isFromWebview({ type: 'ready' }));
    assert.ok(isFromWebview({ type: 'openFile', path: '/tmp/x.dnn' }));
    assert.ok(!isFromWebview({ type: 'ready', extra: 1 }));
    assert.ok(!isFromWebview({ type: 'openFolder', path: '' }));
    assert.ok(!isFromWebview({ type: 'runCommand', command: 'rm -rf /' }));
    assert.ok(!isFromWebview('ready'));
  });
});

describe('tree rows', () => {
  it('Layers: shapes and parameters before a run; kept/total with a warning icon after', () => {
    const analysis = analyze(SPEC);
    // What the server answers the Layers view: before a run, and after one whose fc2 kept 8.
    const before = layerInfos(analysis, undefined);
    const after = (summary: Summary) => layerInfos(analysis, { runDir: '/run', done: { ...DONE, summary } });
    assert.deepEqual(
      layerRows(before).map((r) => [r.id, r.label, r.description, r.icon]),
      [
        ['layer:fc1', 'fc1', 'dense → [64] · 50 240 params', 'layer'],
        ['layer:fc2', 'fc2', 'dense → [32] · 2 080 params', 'layer'],
        ['layer:out', 'out', 'dense → [10] · 330 params', 'layer'],
      ],
    );
    const halved = {
      ...DONE.summary,
      layers: DONE.summary.layers.map((l) => (l.name === 'fc2' ? { ...l, neuronsKept: 8 } : l)),
      compactSizes: { ...DONE.summary.compactSizes, fc2: 8 },
    };
    assert.deepEqual(
      layerRows(after(halved)).map((r) => [r.description, r.icon]),
      [
        ['dense 64 → 55 kept (85.9 %)', 'kept'],
        ['dense 32 → 8 kept (25.0 %)', 'warning'],
        ['dense 10 → 10 kept (100.0 %)', 'kept'],
      ],
    );
    // One kept: a run recorded before the one rule of kept said 9 kept of a compact size of 8; the view says 8, the
    // size of the model the run wrote and Shrink writes.
    const older = { ...halved, layers: halved.layers.map((l) => (l.name === 'fc2' ? { ...l, neuronsKept: 9 } : l)) };
    assert.equal(layerRows(after(older))[1]!.description, 'dense 32 → 8 kept (25.0 %)');
    assert.deepEqual(
      layerRows(after(older)).map((r) => r.tooltip.split('\n').length),
      [2, 2, 2],
    );
    // After Shrink the spec says fc2 8: the row shows the spec's size and the run only as history, not "8 → 8 kept".
    const shrunk = layerInfos(analyze(SPEC.replace(/(dense fc2 )32/, '$18')), { runDir: '/run', done: { ...DONE, summary: halved } });
    assert.deepEqual(
      layerRows(shrunk).map((r) => [r.description, r.icon]),
      [
        ['dense 64 → 55 kept (85.9 %)', 'kept'],
        ['dense → [8] · 520 params · was 32', 'layer'],
        ['dense 10 → 10 kept (100.0 %)', 'kept'],
      ],
    );
    assert.match(layerRows(shrunk)[1]!.tooltip, /trained 32 neurons and kept 8; the spec has changed since/);
    assert.equal(layerRows(before)[0]!.line, 4); // 0-based: after the header comment, model, data and input lines
  });

  it('Runs: newest first, the metric and size first, date, backend and epochs in the tooltip, the kept sizes as children', () => {
    const base = {
      specPath: '/w/a.dnn',
      model: 'mnist-small',
      finished: true,
      backend: 'wasm',
      epochs: 5,
      epochsCompleted: 5,
      metric: 'accuracy' as const,
      compactSizes: { fc1: 55, fc2: 32, out: 10 },
      summary: { metric: 'accuracy' as const, beforePrune: 0.8795, afterPrune: 0.8301, compactParams: 19_302, fullParams: 50_890, compression: 11.9093 },
    };
    const rows = runRows([
      { ...base, runDir: '/w/.dropneuron/runs/old', started: '2026-11-20T10:00:00.000Z' },
      { ...base, runDir: '/w/.dropneuron/runs/new', started: '2026-11-23T09:30:00.000Z', stopped: true },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.id, r.label, r.description, r.state]),
      [
        ['run:/w/.dropneuron/runs/new', 'mnist-small · 83.01 %', '19.3k params · stopped at 5/5 epochs', 'stopped'],
        ['run:/w/.dropneuron/runs/old', 'mnist-small · 83.01 %', '19.3k params', 'done'],
      ],
    );
    assert.match(rows[0]!.tooltip, /started 2026-11-23 09:30 · 5\/5 epochs · on wasm\n\/w\/\.dropneuron\/runs\/new$/);
    assert.deepEqual(
      rows[0]!.children.map((c) => `${c.label} ${c.description}`),
      ['fc1 55 kept', 'fc2 32 kept', 'out 10 kept'],
    );
  });
});

describe('run store', () => {
  it('collects events per run, tracks the latest run of a document and notifies listeners', () => {
    const store = new RunStore();
    const seen: string[] = [];
    store.onEvent((run, event) => seen.push(`${run.runId}:${event.type}`));
    for (const e of EVENTS.slice(0, 2)) store.add('file:///a.dnn', 'run-1', e);
    assert.equal(store.running('file:///a.dnn')?.runId, 'run-1');
    for (const e of EVENTS.slice(2)) store.add('file:///a.dnn', 'run-1', e);
    assert.equal(store.running('file:///a.dnn'), undefined);
    assert.equal(store.latestFor('file:///a.dnn')?.status, 'done');
    assert.equal(seen.length, EVENTS.length);
    assert.equal(store.get('run-1')?.runDir, (EVENTS[0] as { runDir: string }).runDir);
  });
});
