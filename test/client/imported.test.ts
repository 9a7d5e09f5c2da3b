import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { layerRows } from '../../client/src/views/layersModel.ts';
import { referenceLine, replay } from '../../client/webview/viewModel.ts';
import { analyze } from '../../language/index.ts';
import type { StartEvent, TrainerEvent } from '../../protocol/events.ts';
import { layerInfos } from '../../server/src/layers.ts';
import { ROOT } from '../helpers/cli.ts';

const EVENTS = readFileSync(join(ROOT, 'test', 'fixtures', 'events', 'mnist-small.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as TrainerEvent);
const START = EVENTS[0] as StartEvent;
const epochs = EVENTS.filter((e) => e.type === 'epoch');

describe('a run from imported weights: the panel’s reference line and the Layers view', () => {
  it('draws the imported model’s test metric level across every epoch, labelled with its value; none for another run', () => {
    const imported: TrainerEvent[] = [{ ...START, imported: { value: 0.9627, weights: 'mlp.safetensors' } }, ...EVENTS.slice(1)];
    const s = replay(imported);
    const line = referenceLine(s);
    assert.ok(line);
    assert.equal(line.label, 'imported model, before training (96.27 %)');
    assert.equal(line.values.length, epochs.length);
    assert.ok(line.values.every((v) => v === 0.9627));
    assert.equal(referenceLine(replay(EVENTS)), undefined);
    // Before the first epoch: the label, no points yet.
    assert.deepEqual(referenceLine(replay(imported.slice(0, 1)))?.values, []);
  });

  it('keeps the reference through a resumed part, whose start has none (it starts from its checkpoint)', () => {
    const [first, ...rest] = EVENTS;
    const resumed: TrainerEvent[] = [
      { ...(first as StartEvent), imported: { value: 0.5, weights: 'w.safetensors' } },
      ...rest.slice(0, 2),
      { ...START, startEpoch: 3 },
      ...rest.slice(2),
    ];
    assert.equal(replay(resumed).imported?.value, 0.5);
  });

  it('the Layers view says `imported` on the weighted layers of a spec with a `weights` file, before it trains', () => {
    const spec = (weights: string) =>
      `model m {\n  data mnist\n  input 28x28x1\n${weights}  conv c1 4 3x3 relu\n  maxpool p1 2x2\n  flatten\n  dense out 10\n}\n`;
    const rows = layerRows(layerInfos(analyze(spec('  weights "m.safetensors"\n')), undefined));
    assert.deepEqual(
      rows.map((r) => r.description),
      ['conv → [28, 28, 4] · 40 params · imported', 'maxpool → [14, 14, 4]', 'flatten → [784]', 'dense → [10] · 7 850 params · imported'],
    );
    assert.match(rows[0]!.tooltip, /Imported: its weights come from m\.safetensors/);
    assert.ok(layerRows(layerInfos(analyze(spec('')), undefined)).every((r) => !r.description.includes('imported')));
  });
});
