import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AutoStrengthSearch } from '../../trainer/src/autoStrength.ts';
import { groupWeightsOf } from '../../trainer/src/groupWeights.ts';
import { analyze } from '../../language/index.ts';

/** Runs the search over scripted validation accuracies (epochs 1…); returns each epoch's record. */
function script(validation: number[], trainEpochs = validation.length, tolerance = 1) {
  const search = new AutoStrengthSearch('accuracy', tolerance, AutoStrengthSearch.referenceEpochsOf(trainEpochs), trainEpochs);
  return { search, records: validation.map((v, i) => search.observe(i + 1, v)) };
}

describe('dropneuron auto: the search for λ (trainer/src/autoStrength.ts)', () => {
  it('measures the reference on the first fifth of the epochs, unpenalised, then starts λ at START', () => {
    const { records } = script([0.8, 0.9, 0.85, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]);
    assert.deepEqual(
      records.slice(0, 2).map((r) => [r.stage, r.lambda]),
      [
        ['reference', 0],
        ['search', 0],
      ],
    );
    assert.equal(records[1]!.reference, 0.9, 'the best reference epoch');
    assert.equal(records[1]!.next, AutoStrengthSearch.START);
  });

  it('doubles λ while validation is comfortably in the band, holds it in the band’s lower half', () => {
    const { records } = script([0.9, 0.9, 0.9, 0.9, 0.894, 0.894, 0.9, 0.9, 0.9, 0.9]);
    const lambdas = records.map((r) => r.lambda);
    assert.deepEqual(lambdas.slice(2, 5), [1e-4, 2e-4, 4e-4]);
    assert.equal(lambdas[5], 4e-4, 'an epoch 0.6 points below the reference (in the lower half of a 1-point band) holds λ');
  });

  it('one epoch just below the band is noise; two in a row step λ back by FACTOR² and start on the inputs', () => {
    const v = [0.9, 0.9, 0.9, 0.9, 0.88, 0.9, 0.9, 0.88, 0.88, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
    const { records } = script(v);
    assert.equal(records[4]!.stage, 'search', 'a single miss of 2 points (under 2 tolerances) is waited out');
    assert.equal(records[8]!.stage, 'inputs');
    assert.equal(records[8]!.next, records[8]!.lambda / 4);
  });

  it('after cooling down, the inputs multiplier doubles while in the band, and steps back when it leaves it', () => {
    const v = [0.9, 0.9, 0.9, 0.9, 0.85, 0.9, 0.9, 0.9, 0.9, 0.85, 0.9, 0.9, 0.9, 0.9, 0.9];
    const { records } = script(v);
    const inputs = records.map((r) => r.inputs);
    assert.equal(records[4]!.stage, 'inputs', 'a miss of 5 points ends the search at once');
    assert.deepEqual(inputs.slice(5, 10), [1, 1, 1, 2, 4]);
    assert.equal(records[9]!.stage, 'hold');
    assert.equal(records[9]!.nextInputs, 1);
  });

  it('fine-tune epochs train without DropNeuron; `found` is what the train epochs ended with', () => {
    const { search, records } = script([0.9, 0.9, 0.9, 0.9, 0.9, 0.9], 5);
    assert.equal(records[5]!.stage, 'finetune');
    assert.equal(search.lambdaFor(6), 0);
    assert.equal(search.found.lambda, records[4]!.next);
  });

  it('a resumed run replays its log and stands where the unbroken run stood', () => {
    const v = [0.9, 0.9, 0.9, 0.9, 0.85, 0.9, 0.9, 0.9, 0.9, 0.85, 0.9, 0.9];
    const unbroken = script(v);
    const resumed = new AutoStrengthSearch('accuracy', 1, AutoStrengthSearch.referenceEpochsOf(v.length), v.length);
    resumed.replay(unbroken.records.slice(0, 7).map((auto, i) => ({ epoch: i + 1, validationMetric: v[i]!, auto }) as never));
    for (let e = 8; e <= v.length; e++) assert.deepEqual(resumed.observe(e, v[e - 1]!), unbroken.records[e - 1]);
  });

  it('an error metric (NMSE) counts a rise as the cost', () => {
    const search = new AutoStrengthSearch('nmse', 1, 1, 6);
    search.observe(1, 0.1);
    assert.equal(search.observe(2, 0.104).next, 2 * AutoStrengthSearch.START, 'NMSE 0.10 → 0.104 is 0.4 points: comfortable');
    assert.equal(search.observe(3, 0.13).stage, 'inputs', '3 points out of a 1-point band ends the search');
  });
});

describe('the DropNeuron groups’ weights', () => {
  const model = (regularize: string) =>
    analyze(`model m {\n  data synthetic samples=64 classes=3\n  input 16\n  dense h 9 relu\n  dense out 3\n}\nregularize {\n${regularize}}\n`).model!;

  it('are even by default (the seed’s)', () => {
    assert.deepEqual(groupWeightsOf(model('  dropneuron 0.01\n')), [
      { rows: 1, cols: 1, readsInputs: true },
      { rows: 1, cols: 1, readsInputs: false },
    ]);
  });

  it('√|g| under group_scale sqrt (a row of h has 9 weights, a column 16), × inputs_weight on the inputs’ rows', () => {
    assert.deepEqual(groupWeightsOf(model('  dropneuron 0.01\n  group_scale sqrt\n  inputs_weight 2\n')), [
      { rows: 3 * 2, cols: 4, readsInputs: true },
      { rows: Math.sqrt(3), cols: 3, readsInputs: false },
    ]);
  });
});
