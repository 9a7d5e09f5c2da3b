import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StartEvent, TrainerEvent } from '../../protocol/events.ts';
import { onnxModel } from '../../trainer/src/export/onnx.ts';
import type { Plan } from '../../trainer/src/export/plan.ts';
import { dropneuron } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const events = (runDir: string): TrainerEvent[] =>
  readFileSync(join(runDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TrainerEvent);

describe('the reference line: a run from imported weights says their test metric at its start', () => {
  it('is what `dropneuron evaluate` scores the spec, sent once, at the new run’s start only', () => {
    const dir = tempDir('dnn-cli-import-reference-');
    // Weights that score better than chance on the synthetic classes, so that the number is not any run's.
    const weight = Float32Array.from({ length: 4 * 48 }, (_, i) => Math.sin(i * 1.7) * 0.3);
    const plan: Plan = {
      input: [3, 4, 4],
      outputs: 4,
      steps: [{ op: 'flatten' }, { op: 'dense', name: 'fc', weight, bias: new Float32Array(4), inputs: 48, units: 4 }],
    };
    writeFileSync(join(dir, 'm.onnx'), onnxModel(plan, 'm'));
    const imported = dropneuron(['import', join(dir, 'm.onnx'), '--data', 'synthetic classes=4'], { timeout: 60_000 });
    assert.equal(imported.status, 0, imported.stderr);
    const evaluated = dropneuron(['evaluate', join(dir, 'm.dnn'), '--json'], { timeout: 120_000 });
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const { value } = JSON.parse(evaluated.stdout) as { value: number };
    const run = join(dir, 'run');
    const trained = dropneuron(['train', join(dir, 'm.dnn'), '--out', run, '--epochs', '2'], { timeout: 240_000 });
    assert.equal(trained.status, 0, trained.stderr);
    const starts = events(run).filter((e): e is StartEvent => e.type === 'start');
    assert.equal(starts.length, 1);
    assert.deepEqual(starts[0]!.imported, { value, weights: 'm.safetensors' });

    // A spec without `weights` says nothing of the kind.
    writeFileSync(join(dir, 'plain.dnn'), readFileSync(join(dir, 'm.dnn'), 'utf8').replace(/^ {2}weights .*\n/m, ''));
    const plain = dropneuron(['train', join(dir, 'plain.dnn'), '--out', join(dir, 'run-plain'), '--epochs', '1'], { timeout: 240_000 });
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal((events(join(dir, 'run-plain'))[0] as StartEvent).imported, undefined);
  });
});
