import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EpochEvent } from '../../protocol/events.ts';
import { syntheticSpec, writeSpec } from '../helpers/specs.ts';
import { trainCollect } from '../helpers/train.ts';
import { tempDir } from '../helpers/tempDir.ts';

describe('the pruning view: what pruning does, in every epoch event', () => {
  it("gives each neuron's largest |incoming weight| and the test metric before pruning", async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'syn.dnn', syntheticSpec(3, '  seed 3\n').replace('dropneuron 0.001', 'dropneuron 0.001\n  threshold 0.05'));
    const { events, result } = await trainCollect({ specPath: spec, outDir: join(dir, 'run') });
    assert.equal(result.type, 'done', JSON.stringify(result));
    if (result.type !== 'done') return;
    const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
    assert.equal(epochs.length, 3);
    for (const e of epochs) {
      assert.deepEqual(Object.keys(e.neuronNorms ?? {}), ['fc1', 'out']);
      assert.equal(e.neuronNorms!.fc1!.length, 32);
      assert.equal(e.neuronNorms!.out!.length, 10);
      // Pruning zeroes every |w| < threshold: a neuron keeps an incoming weight exactly when its largest is ≥ it.
      for (const layer of e.layers)
        assert.equal(e.neuronNorms![layer.name]!.filter((v) => v >= 0.05).length, layer.aliveIn, `${layer.name} at epoch ${e.epoch}`);
      assert.ok(e.testMetricUnpruned !== undefined && e.testMetricUnpruned >= 0 && e.testMetricUnpruned <= 1);
    }
    assert.equal(epochs.at(-1)!.testMetricUnpruned, result.summary.beforePrune, "the last epoch's is the summary's before-pruning metric");
  });
});
