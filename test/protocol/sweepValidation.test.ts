import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DoneEvent, TrainerEvent } from '../../protocol/events.ts';
import {
  frontSet,
  frontSetText,
  paretoFront,
  selectionError,
  sweepFront,
  sweepPoint,
  SWEEP_FILE,
  type SweepPoint,
  type SweepTrialEntry,
} from '../../protocol/sweep.ts';
import { readSweepFile } from '../../store/sweepFile.ts';
import { FIXTURES } from '../helpers/fixtures.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { soundPoint } from '../helpers/sweepPoint.ts';

const point = soundPoint;

const trial = (id: string, points: SweepPoint[], validationSamples?: number): SweepTrialEntry => ({
  id,
  settings: {},
  thresholds: points.map((p) => p.threshold),
  runDir: `trials/${id}`,
  status: 'done',
  result: { status: 'done', ...(validationSamples ? { validationSamples } : {}), points },
});

/**
 * Two runs where the sets disagree: `b` at 2 000 parameters is the best on the test set (95 %) but worse on
 * validation (88 %) than `a` at 1 000 (90 %). On test, `b` is on the front; on validation, `a` dominates it.
 */
const DISAGREE = [trial('a', [point(0.1, 1000, 0.9, 0.9)], 5000), trial('b', [point(0.1, 2000, 0.95, 0.88)], 5000)];

describe('a sweep chooses its front on validation when every run held rows out, never on test', () => {
  it('a point best on the test set but not on validation is not on a validation front', () => {
    assert.equal(frontSet(DISAGREE), 'validation');
    const front = sweepFront(DISAGREE);
    assert.deepEqual(
      front.map((f) => f.trial),
      ['a'],
    );
    // The front point reports its TEST error (what it ships with) and carries the validation error that chose it.
    assert.ok(Math.abs(front[0]!.error - 0.1) < 1e-12);
    assert.ok(Math.abs(front[0]!.validationError! - 0.1) < 1e-12);
    // The same points judged on test would have put `b` on it: the choice is the set's, not the data's.
    const onTest = paretoFront(DISAGREE.flatMap((t) => t.result!.points.map((p) => ({ trial: t.id, error: p.error, params: p.params }))));
    assert.deepEqual(
      onTest.map((f) => f.trial),
      ['a', 'b'],
    );
    assert.equal(selectionError(front[0]!, 'validation'), front[0]!.validationError);
    assert.equal(selectionError(front[0]!, 'test'), front[0]!.error);
  });

  it('says so in one sentence: validation with the samples held out, the test error reported', () => {
    assert.equal(frontSetText(DISAGREE), 'front chosen and broken points judged on validation (5,000 samples held out of training); test error reported');
    const mixed = [trial('a', [point(0.1, 1000, 0.9, 0.9)], 200), trial('b', [point(0.1, 2000, 0.95, 0.88)], 5000)];
    assert.equal(frontSetText(mixed), 'front chosen and broken points judged on validation (200 to 5,000 samples held out of training); test error reported');
  });

  it('falls back to the test set, and says so with how to do better, when one sound point has no validation error', () => {
    const sweep = [trial('a', [point(0.1, 1000, 0.9, 0.9)], 5000), trial('b', [point(0.1, 2000, 0.95)])];
    assert.equal(frontSet(sweep), 'test');
    assert.deepEqual(
      sweepFront(sweep).map((f) => f.trial),
      ['a', 'b'],
    );
    assert.equal(frontSetText(sweep), 'front chosen on the test set: add `validation N` to the train block to choose on held-out data');
  });

  it('a broken point without validation does not make the sweep fall back: only the sound points are judged', () => {
    // At chance on test (10 classes: 10 %), so never a candidate; its missing validation error is no reason to fall back.
    const chance = { ...point(0.5, 100, 0.1), kept: { inputs: 784, fc1: 2, out: 10 } };
    const sweep = [...DISAGREE, trial('c', [chance])];
    assert.equal(frontSet(sweep), 'validation');
    assert.deepEqual(
      sweepFront(sweep).map((f) => f.trial),
      ['a'],
    );
  });

  it('a sweep whose points are all broken says what the runs held out, and has an empty front', () => {
    const broken = (p: SweepPoint): SweepPoint => ({ ...p, damage: { cost: 0.2, tolerance: 0.01, threshold: p.threshold, exceeded: true } });
    const sweep = [trial('a', [broken(point(0.1, 1000, 0.9, 0.9))], 200)];
    assert.deepEqual(sweepFront(sweep), []);
    assert.equal(frontSet(sweep), 'validation');
    assert.equal(frontSet([]), 'test');
  });

  it('sweepPoint takes the summary’s validation metric as the point’s validation error, in the metric’s own terms', () => {
    const events = readFileSync(join(FIXTURES, 'events', 'mnist-small.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as TrainerEvent);
    const done = events.find((e): e is DoneEvent => e.type === 'done')!;
    const without = sweepPoint(done.summary, 0.05);
    assert.equal(without.validationError, undefined);
    assert.equal(without.validationMetric, undefined);
    const withValidation = sweepPoint({ ...done.summary, validationMetric: 0.875 }, 0.05);
    assert.equal(withValidation.validationMetric, 0.875);
    assert.equal(withValidation.validationError, 0.125);
    assert.equal(withValidation.error, 1 - done.summary.afterPrune, 'the error stays the test set’s');
  });

  it('an older sweep.json, without validation errors or frontSelectedOn, reads as chosen on test', () => {
    const dir = tempDir('dnn-sweepval-');
    // As sweep.json was written before this change: no `frontSelectedOn`, points and front without validation.
    const old = {
      version: 1,
      specPath: '/w/old.dnn',
      axes: [{ name: 'dropneuron', values: [0.01, 0.05] }],
      shared: { epochs: 1 },
      trials: [trial('a', [point(0.1, 1000, 0.9)]), trial('b', [point(0.1, 2000, 0.95)])],
      front: [
        { trial: 'a', threshold: 0.1, error: 1 - 0.9, params: 1000 },
        { trial: 'b', threshold: 0.1, error: 1 - 0.95, params: 2000 },
      ],
      updated: '2026-11-25T18:00:00.000Z',
    };
    writeFileSync(join(dir, SWEEP_FILE), JSON.stringify(old));
    const read = readSweepFile(dir);
    assert.ok(read, 'an older sweep.json still reads');
    assert.equal(read.frontSelectedOn ?? 'test', 'test');
    assert.equal(frontSet(read.trials), 'test');
    assert.deepEqual(sweepFront(read.trials), read.front);
  });
});
