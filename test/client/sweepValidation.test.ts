import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sweepRows } from '../../client/src/views/runsModel.ts';
import { pointLines, sweepView } from '../../client/webview/sweepModel.ts';
import type { SweepFile, SweepPoint, SweepTrialEntry } from '../../protocol/sweep.ts';
import { soundPoint as point } from '../helpers/sweepPoint.ts';

const trial = (id: string, points: SweepPoint[], validationSamples?: number): SweepTrialEntry => ({
  id,
  settings: { dropneuron: Number(id.split('=')[1]) },
  thresholds: points.map((p) => p.threshold),
  runDir: `trials/${id}`,
  status: 'done',
  result: { status: 'done', ...(validationSamples ? { validationSamples } : {}), points },
});

/** `dropneuron=0.05` is the test set's favourite (95 %) but worse on validation than the smaller `dropneuron=0.01`. */
const sweepOf = (trials: SweepTrialEntry[]): SweepFile => ({
  version: 1,
  specPath: '/w/swept.dnn',
  axes: [{ name: 'dropneuron', values: [0.01, 0.05] }],
  shared: { epochs: 1 },
  trials,
  front: [],
  updated: '2026-12-06T17:00:00.000Z',
});
const VALIDATED = sweepOf([trial('dropneuron=0.01', [point(0.1, 1000, 0.9, 0.9)], 500), trial('dropneuron=0.05', [point(0.1, 2000, 0.95, 0.88)], 500)]);
const UNVALIDATED = sweepOf([trial('dropneuron=0.01', [point(0.1, 1000, 0.9)]), trial('dropneuron=0.05', [point(0.1, 2000, 0.95)])]);

describe('the sweep panel and the Runs view say which set chose the front', () => {
  it('the panel’s model: ★ on the validation front only, the validation metric on each point, and the sentence', () => {
    const view = sweepView(VALIDATED);
    assert.equal(view.frontSet, 'validation');
    assert.deepEqual(
      view.points.map((p) => [p.trial, p.onFront, p.validationMetric]),
      [
        ['dropneuron=0.01', true, 0.9],
        ['dropneuron=0.05', false, 0.88],
      ],
    );
    assert.equal(view.frontSetText, 'front chosen and broken points judged on validation (500 samples held out of training); test error reported');
    assert.deepEqual(pointLines(view.points[1]!).slice(2), ['test accuracy 95.00 % after pruning', 'validation accuracy 88.00 % after pruning']);
  });

  it('without validation the panel says the test set chose the front, and how to choose on held-out data', () => {
    const view = sweepView(UNVALIDATED);
    assert.equal(view.frontSet, 'test');
    assert.deepEqual(
      view.front.map((p) => p.trial),
      ['dropneuron=0.01', 'dropneuron=0.05'],
    );
    assert.match(view.frontSetText, /^front chosen on the test set: add `validation N`/);
    // No validation line, and the metric line as it always read.
    assert.deepEqual(pointLines(view.points[1]!).slice(2), ['accuracy 95.00 % after pruning']);
    assert.equal(sweepView(null).frontSetText, '');
  });

  it('the Runs view’s best point is the validation front’s, not the test set’s favourite, and its tooltip says so', () => {
    const [row] = sweepRows([{ sweepDir: '/w/.dropneuron/sweeps/swept', model: 'swept', sweep: VALIDATED, runs: {} }]);
    assert.equal(row!.description, '2/2 trials · 1 on the front');
    assert.match(row!.tooltip, /best on the front: accuracy 90\.00 % with 1,000 parameters \(dropneuron=0\.01, threshold 0\.1\)/);
    assert.match(row!.tooltip, /\nfront chosen and broken points judged on validation \(500 samples held out of training\); test error reported$/);
    const [plain] = sweepRows([{ sweepDir: '/w/.dropneuron/sweeps/swept', model: 'swept', sweep: UNVALIDATED, runs: {} }]);
    assert.match(plain!.tooltip, /best on the front: accuracy 95\.00 % with 2,000 parameters/);
    assert.match(plain!.tooltip, /front chosen on the test set/);
  });
});
