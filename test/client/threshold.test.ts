import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFromWebview, isToWebview } from '../../client/webview/messages.ts';
import {
  costOf,
  initialView,
  isMeasured,
  positionOf,
  reading,
  selectedThreshold,
  SLIDER_STEPS,
  thresholdAt,
  withExact,
} from '../../client/webview/thresholdModel.ts';
import type { Summary } from '../../protocol/events.ts';
import { CURVE } from '../helpers/curve.ts';

describe('the threshold slider (pure)', () => {
  it('maps positions to log-spaced thresholds and back, ends on the curve’s ends', () => {
    assert.equal(thresholdAt(CURVE, 0), 0.001);
    assert.equal(thresholdAt(CURVE, SLIDER_STEPS), 0.1);
    assert.equal(thresholdAt(CURVE, SLIDER_STEPS / 2), 0.01);
    // On a point's step the slider stands for the point's own threshold, not the step's rounded one.
    const view = initialView(CURVE);
    for (const p of CURVE.points) assert.equal(selectedThreshold(view, positionOf(CURVE, p.threshold)), p.threshold);
    assert.equal(positionOf(CURVE, 0), 0);
    assert.equal(positionOf(CURVE, 5), SLIDER_STEPS);
  });

  it('starts at the run’s threshold and reads the curve point there', () => {
    const view = initialView(CURVE, 2);
    const r = reading(view)!;
    assert.equal(r.threshold, 0.01);
    assert.equal(r.source, 'curve');
    assert.deepEqual(r.point.kept, { inputs: 500, fc1: 40, out: 10 });
    assert.equal(r.cost, 1);
    assert.equal(r.exceeded, false);
    assert.equal(isMeasured(view), true);
  });

  it('snaps between points to the nearest one, and asks for an exact prune there', () => {
    const view = { ...initialView(CURVE, 2), position: positionOf(CURVE, 0.045) };
    assert.equal(isMeasured(view), false);
    const r = reading(view)!;
    assert.equal(selectedThreshold(view), 0.0452, 'the step’s threshold, to 3 digits');
    assert.equal(r.point.threshold, 0.03, 'the nearest point on the log scale');
    assert.equal(r.exceeded, true, '4 points lost against a tolerance of 2');
    assert.equal(r.cost, 4);
  });

  it('shows the exact measurement once the server sends it, and a failure as one sentence', () => {
    const view = { ...initialView(CURVE, 2), position: positionOf(CURVE, 0.045), pending: 0.0452 };
    const summary = {
      afterPrune: 0.87,
      weightsKept: 7000,
      compactParams: 7400,
      compression: 6.9,
      inputs: { kept: 280, total: 784 },
      layers: [
        { name: 'fc1', neuronsKept: 17 },
        { name: 'out', neuronsKept: 10 },
      ],
    } as unknown as Summary;
    const measured = withExact(view, 0.0452, { summary });
    assert.equal(measured.pending, undefined);
    assert.equal(isMeasured(measured), true);
    const r = reading(measured)!;
    assert.equal(r.source, 'exact');
    assert.deepEqual(r.point.kept, { inputs: 280, fc1: 17, out: 10 });
    assert.equal(r.cost, 3);
    const failed = withExact(view, 0.0452, { error: 'the run has no checkpoint' });
    assert.equal(failed.error, 'the run has no checkpoint');
    assert.equal(reading(failed)!.source, 'curve');
  });

  it('costs as the trainer’s verdict does: accuracy lost or error gained, × 100; a gain costs 0', () => {
    assert.equal(costOf('accuracy', 0.9, 0.85), 5);
    assert.equal(costOf('accuracy', 0.9, 0.95), 0);
    assert.equal(costOf('nmse', 0.05, 0.08), 3);
  });

  it('accepts only well-formed slider messages from the page, and curves from the host', () => {
    assert.equal(isFromWebview({ type: 'prune', threshold: 0.02 }), true);
    assert.equal(isFromWebview({ type: 'useThreshold', threshold: 0.02 }), true);
    assert.equal(isFromWebview({ type: 'exportAt', threshold: 0 }), true);
    for (const bad of [-1, Number.NaN, Infinity, '0.1', undefined]) assert.equal(isFromWebview({ type: 'useThreshold', threshold: bad }), false, String(bad));
    assert.equal(isFromWebview({ type: 'prune', threshold: 0.1, runDir: '/etc' }), false, 'no extra fields');
    assert.equal(isToWebview({ type: 'curve', runId: 'r', curve: CURVE }), true);
    assert.equal(isToWebview({ type: 'curve', runId: 'r', curve: { ...CURVE, points: [{ threshold: -1 }] } }), false);
    assert.equal(isToWebview({ type: 'pruned', runId: 'r', threshold: 0.1, error: 'no' }), true);
    assert.equal(isToWebview({ type: 'pruned', runId: 'r', threshold: 0.1 }), false);
  });
});
