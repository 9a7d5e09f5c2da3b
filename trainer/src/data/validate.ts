import type { CheckedLayer, CheckedModel } from '../../../language/index.ts';
import { DataError, inputSize, type Dataset, type RowOrigin } from './dataset.ts';

/**
 * Checks loaded data against the model before step 1, so that nothing trains on data it cannot learn from:
 * both sets have samples, every sample has as many input values as the spec's `input` and as many targets
 * as the last layer gives, class labels are whole numbers below the number of outputs, and every value is
 * finite. Throws a DataError naming the first problem, where it is, and the fix.
 */
export function validateDataset(model: CheckedModel, data: Dataset, limit?: number): void {
  const where = data.origin?.train.file ?? (model.data ? `the ${model.data.kind} data` : 'the data');
  const limited = limit !== undefined ? ` (the run's limit is ${limit})` : '';
  if (data.trainCount < 1) {
    throw new DataError(`${where}: expected at least one training sample, found none${limited}; give the data set more samples`);
  }
  if (data.testCount < 1) {
    throw new DataError(
      `${data.origin?.test.file ?? where}: expected at least one test sample (the test metric needs one), found none; give the data set more samples or a test file`,
    );
  }
  const per = inputSize(data);
  const input = model.input?.join('x') ?? String(per);
  for (const [set, x, count] of [
    ['training', data.trainX, data.trainCount],
    ['test', data.testX, data.testCount],
  ] as const) {
    if (x.length !== count * per) {
      throw new DataError(`${where}: expected ${per} input values per ${set} sample (the spec's \`input ${input}\`), found ${x.length / count}`);
    }
  }

  const last = model.layers.at(-1);
  const outputs = (last?.outputShape ?? [1]).reduce((a, b) => a * b, 1);
  const named = model.layers.filter((l) => l.weightShape).at(-1) ?? last;
  const origin = (set: 'train' | 'test'): ((i: number) => string) =>
    data.origin?.[set].locate ?? ((i: number) => `${set === 'train' ? 'training' : 'test'} sample ${i}`);

  checkFinite(data.trainX, per, origin('train'), 'input');
  checkFinite(data.testX, per, origin('test'), 'input');
  if (model.task === 'classify') {
    checkLabels(data.trainY, data.trainCount, outputs, named, origin('train'));
    checkLabels(data.testY, data.testCount, outputs, named, origin('test'));
  } else if (model.task === 'regress') {
    if (data.targetSize !== outputs) {
      throw new DataError(
        `${where}: expected ${outputs} target value${outputs === 1 ? '' : 's'} per sample (what the last layer \`${named?.name ?? ''}\` gives), found ${data.targetSize}`,
      );
    }
    checkFinite(data.trainY, data.targetSize, origin('train'), 'target');
    checkFinite(data.testY, data.targetSize, origin('test'), 'target');
    // NMSE = Σ(ŷ − y)² / Σy² has no value when every test target is 0: it read 0, a perfect score, before.
    if (data.testY.every((v) => v === 0)) {
      throw new DataError(
        `${data.origin?.test.file ?? where}: expected test targets that are not all 0 (the regression metric NMSE = Σ(ŷ − y)² / Σy² is undefined when Σy² = 0), found ${data.testCount} test target${data.testCount === 1 ? '' : 's'} all 0; give the test set samples with nonzero targets`,
      );
    }
  } else if (outputs !== per) {
    throw new DataError(
      `${where}: expected the last layer \`${named?.name ?? ''}\` to give ${per} values (an autoencoder reproduces its input), found ${outputs}`,
    );
  }
}

/** Throws at the first value that is NaN or infinite, naming its row and column. */
function checkFinite(values: Float32Array, per: number, locate: RowOrigin['locate'], what: 'input' | 'target'): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // v − v is 0 for every finite number and NaN for NaN and ±Infinity: one subtraction per value.
    if (v - v !== 0) {
      const column = per > 1 ? ` ${what} ${(i % per) + 1} of ${per}` : ` ${what}`;
      throw new DataError(`${locate(Math.floor(i / per))}: expected finite numbers, found ${v} as the${column}; fix or remove the sample`);
    }
  }
}

/** Throws at the first label that is not a whole number in [0, outputs), with the fix that fits it. */
function checkLabels(labels: Float32Array, count: number, outputs: number, last: CheckedLayer | undefined, locate: RowOrigin['locate']): void {
  const layer = last?.name ?? 'the last layer';
  for (let i = 0; i < count; i++) {
    const v = labels[i]!;
    if (Number.isInteger(v) && v >= 0 && v < outputs) continue;
    const shown = Number.isFinite(v) ? String(Number(v.toPrecision(7))) : String(v);
    let fix: string;
    if (Number.isInteger(v) && v >= outputs && v < 100_000) fix = `give \`${layer}\` at least ${v + 1} units, or fix the label`;
    else if (Number.isInteger(v) && v < 0) fix = 'class labels count from 0: fix the label';
    else if (Number.isInteger(v)) fix = 'fix the label';
    else fix = 'a class label is a whole number: fix the label, or use `task regress` if this column is a value to predict';
    // A label past the outputs is most often a layer too narrow: the error points at the layer's size, where the fix is.
    const inSpec = Number.isInteger(v) && v >= outputs && v < 100_000 ? (last?.sizeToken ?? last?.statement.head)?.range : undefined;
    throw new DataError(
      `${locate(i)}: expected a class label from 0 to ${outputs - 1} (the last layer \`${layer}\` has ${outputs} outputs), found ${shown}; ${fix}`,
      inSpec,
    );
  }
}
