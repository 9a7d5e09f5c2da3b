import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { DoneEvent, Summary } from '../../protocol/events.ts';
import { THRESHOLD_CURVE_FILE, type ThresholdCurve } from '../../protocol/runFolder.ts';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { loadLayersModel } from '../../trainer/src/export/tfjs.ts';
import { EXPORT_FILES } from '../../trainer/src/export/write.ts';
import { decodeSafetensors } from '../../trainer/src/export/safetensors.ts';
import { Rng } from '../../trainer/src/rng.ts';
import { curveThresholds } from '../../trainer/src/prune/curve.ts';
import { openRun, pruneAt, PruneError, variantDir, writeVariant } from '../../trainer/src/prune/reprune.ts';
import { syntheticSpec, writeSpec } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';

// Strong enough penalties that whole neurons go at thresholds near the run's own: the statistics move.
const SPEC = syntheticSpec(4, '  seed 7\n').replace('dropneuron 0.001', 'dropneuron 0.01\n  threshold 0.02');

let dir: string;
let runDir: string;
let done: DoneEvent;

before(async () => {
  dir = tempDir('dnn-prune-');
  runDir = join(dir, 'run');
  const { result } = await trainCollect({ specPath: writeSpec(dir, 'syn.dnn', SPEC), outDir: runDir });
  assert.equal(result.type, 'done', JSON.stringify(result));
  done = result as DoneEvent;
});

/** The fields of the done event's summary that re-pruning computes (other listeners add more: exports, timings). */
function statistics(summary: Summary, like: Summary): Partial<Summary> {
  return Object.fromEntries(Object.keys(like).map((k) => [k, summary[k as keyof Summary]]));
}

describe('dropneuron prune: a finished run at another threshold, without training', () => {
  it("at the run's own threshold it reproduces the done event's statistics exactly", async () => {
    const run = await openRun(runDir);
    const { summary } = await pruneAt(run, 0.02);
    assert.deepEqual(summary, statistics(done.summary, summary));
    assert.ok(Object.keys(summary).length >= 14, `expected the whole summary, found ${Object.keys(summary).join(', ')}`);
  });

  it('a higher threshold keeps fewer weights, and a lower one more, with the same unpruned metric', async () => {
    const run = await openRun(runDir);
    const low = (await pruneAt(run, 0.002)).summary;
    const high = (await pruneAt(run, 0.2)).summary;
    assert.ok(low.weightsKept > done.summary.weightsKept, `${low.weightsKept} > ${done.summary.weightsKept}`);
    assert.ok(high.weightsKept < done.summary.weightsKept, `${high.weightsKept} < ${done.summary.weightsKept}`);
    assert.equal(low.beforePrune, done.summary.beforePrune);
    assert.equal(high.damage?.threshold, 0.2);
  });

  it('--write saves the variant beside the run without touching the run', async () => {
    const own = ['summary.json', 'events.jsonl', 'syn.pruned.dnn'].map((f) => readFileSync(join(runDir, f), 'utf8'));
    const run = await openRun(runDir);
    const { summary, pruned } = await pruneAt(run, 0.1);
    const written = await writeVariant(run, 0.1, summary, pruned);
    assert.equal(written.dir, variantDir(runDir, 0.1));
    const saved = JSON.parse(readFileSync(written.summary, 'utf8')) as Summary & { threshold: number };
    assert.equal(saved.threshold, 0.1);
    assert.equal(saved.weightsKept, summary.weightsKept);
    assert.match(readFileSync(written.prunedSpec, 'utf8'), new RegExp(`dense fc1 ${summary.compactSizes.fc1}\\b`));
    assert.ok(written.compact, 'expected a compact model');
    assert.deepEqual(
      ['summary.json', 'events.jsonl', 'syn.pruned.dnn'].map((f) => readFileSync(join(runDir, f), 'utf8')),
      own,
    );
  });

  it("--write's compact/ holds the run's own formats, and its ONNX gives the TensorFlow.js compact model's outputs", async () => {
    const run = await openRun(runDir);
    const { summary, pruned } = await pruneAt(run, 0.05);
    const written = await writeVariant(run, 0.05, summary, pruned);
    const compactDir = join(written.dir, 'compact');
    assert.equal(written.compact, compactDir);
    // The same set of files as the run's own compact/ (which the run's end wrote).
    const names = (d: string): string[] => readdirSync(d).sort();
    assert.deepEqual(names(compactDir), names(join(runDir, 'compact')));
    assert.deepEqual(written.exports, {
      onnx: join(compactDir, EXPORT_FILES.onnx),
      safetensors: join(compactDir, EXPORT_FILES.safetensors),
      python: join(compactDir, EXPORT_FILES.python),
    });
    const { tensors, metadata } = decodeSafetensors(readFileSync(written.exports.safetensors));
    assert.equal(metadata.model, 'syn');
    const fc1 = [...tensors.values()].find((t) => t.shape.length === 2);
    assert.equal(fc1?.shape[0], summary.compactSizes.fc1, "the first Linear has the variant's kept fc1 neurons");

    const kept =
      summary.inputs.kept < summary.inputs.total
        ? (JSON.parse(readFileSync(join(written.dir, 'kept-inputs.json'), 'utf8')) as { kept: number[] }).kept
        : undefined;
    const n = 50;
    const rng = new Rng(11);
    const x = Float32Array.from({ length: n * 20 }, () => rng.normal());
    const layers = await loadLayersModel(compactDir);
    const expected = tf.tidy(() => {
      const input = tf.tensor2d(x, [n, 20]);
      return (layers.predict(kept ? tf.gather(input, kept, 1) : input) as tf.Tensor).dataSync().slice();
    });
    layers.dispose();
    const session = await ort.InferenceSession.create(readFileSync(written.exports.onnx));
    try {
      const got = (await session.run({ input: new ort.Tensor('float32', x, [n, 20]) })).output!.data as Float32Array;
      assert.equal(got.length, expected.length);
      const diff = Math.max(...expected.map((v, i) => Math.abs(v - got[i]!)));
      assert.ok(diff <= 1e-4, `max |diff| ${diff}`);
    } finally {
      await session.release();
    }
  });

  it('a folder that is not a finished run is one line naming it and what to do', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await assert.rejects(
      openRun(empty),
      (e: Error) => e instanceof PruneError && /expected a run folder with run\.json/.test(e.message) && !e.message.includes('\n'),
    );
    const unfinished = join(dir, 'unfinished');
    mkdirSync(unfinished);
    writeFileSync(join(unfinished, 'run.json'), readFileSync(join(runDir, 'run.json')));
    writeFileSync(join(unfinished, 'events.jsonl'), '');
    await assert.rejects(openRun(unfinished), (e: Error) => e instanceof PruneError && /finish it with `dropneuron train --resume/.test(e.message));
  });
});

describe('the threshold curve at the end of every run', () => {
  it('is in the run folder and the done event, ascending, through the run’s own result', () => {
    assert.equal(done.outputs.thresholdCurve, join(runDir, THRESHOLD_CURVE_FILE));
    const curve = JSON.parse(readFileSync(done.outputs.thresholdCurve, 'utf8')) as ThresholdCurve;
    assert.equal(curve.threshold, 0.02);
    assert.ok(curve.points.length >= 20, `expected about 24 points, found ${curve.points.length}`);
    const thresholds = curve.points.map((p) => p.threshold);
    assert.deepEqual(
      thresholds,
      [...thresholds].sort((a, b) => a - b),
    );
    const own = curve.points.find((p) => p.threshold === 0.02);
    assert.equal(own?.afterPrune, done.summary.afterPrune);
    assert.equal(own?.weightsKept, done.summary.weightsKept);
    for (let i = 1; i < curve.points.length; i++) assert.ok(curve.points[i]!.weightsKept <= curve.points[i - 1]!.weightsKept);
    assert.ok(curve.points[0]!.weightsKept > curve.points.at(-1)!.weightsKept, 'expected the kept count to change across the grid');
  });

  it('spans from the weakest neuron to the layer that empties first, log-spaced', async () => {
    const run = await openRun(runDir);
    const grid = curveThresholds(run.weights, 24);
    assert.equal(grid.length, 24);
    const ratios = grid.slice(1).map((t, i) => t / grid[i]!);
    for (const r of ratios) assert.ok(Math.abs(r - ratios[0]!) < 0.01 * ratios[0]!, `expected a constant ratio, found ${ratios.join(', ')}`);
    const layerMax = run.weights.map((l) => Math.max(...l.w.map(Math.abs)));
    assert.ok(Math.abs(grid.at(-1)! - Math.min(...layerMax)) < 1e-3 * grid.at(-1)!);
  });
});
