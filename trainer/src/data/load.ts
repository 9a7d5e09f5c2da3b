import { isAbsolute, resolve } from 'node:path';
import type { CheckedModel } from '../../../language/index.ts';
import { checkDataFiles } from '../../../store/dataFiles.ts';
import { loadCsv } from './csv.ts';
import { DataError, fromSets, holdOutValidation, imageShapeOf, limitTraining, maxOf, type Dataset, type RowOrigin, type Rows } from './dataset.ts';
import { sparseRegression, synthetic } from './generated.ts';
import { idxImagesAndLabels, labelOrigin } from './idx.ts';
import { loadMnist } from './mnist.ts';
import { idxTrainRows } from '../../../protocol/dataSize.ts';

/**
 * Loads the data a checked model names, with paths relative to the spec's folder. Everything that can
 * be wrong with user files is found here, before training starts, as one DataError.
 */
export function loadDataset(model: CheckedModel, specDir: string, limit?: number): Dataset {
  if (!model.data || !model.input) throw new DataError('expected a model with data and an input shape, found a spec that does not check');
  // Every file checked before any is read, so that one error names every missing or wrong file, not the first.
  const problems = checkDataFiles(model.data, model.input, specDir);
  if (problems.length) throw new DataError(problems.map((p) => p.message).join('; '));
  const limited = limitTraining(loadData(model, model.data, model.input, specDir, limit), limit);
  const dataset = holdOutValidation(limited, validationRows(model, limited.trainCount));
  // An input declared HxWx1 is how the network reads the pixels, so it says the image shape whatever the
  // files say; otherwise the loader's own (from an IDX header) stands.
  const declared = model.input.length === 3 ? imageShapeOf(model.input) : undefined;
  if (declared) dataset.imageShape = declared;
  return dataset;
}

/** The seed's MNIST runs held out this many training images for validation: `dropneuron auto` does the same. */
const MNIST_VALIDATION = 5000;
/** Otherwise `auto` holds out this share of the training rows, unless the spec says `validation`. */
const AUTO_VALIDATION_SHARE = 0.1;

/**
 * How many of `trainCount` training rows the run holds out: the spec's `validation` (rows, or a share below 1);
 * under `dropneuron auto` without one, the seed's 5 000 for all of MNIST and a tenth otherwise. At least one row trains.
 */
export function validationRows(model: CheckedModel, trainCount: number): number {
  const asked = model.train.validation;
  let rows: number;
  if (asked >= 1) rows = asked;
  else if (asked > 0) rows = Math.round(asked * trainCount);
  else if (!model.regularize.auto) rows = 0;
  else if (model.data?.kind === 'mnist' && trainCount >= 10 * MNIST_VALIDATION) rows = MNIST_VALIDATION;
  else rows = Math.max(1, Math.round(AUTO_VALIDATION_SHARE * trainCount));
  return Math.min(rows, trainCount - 1);
}

function loadData(model: CheckedModel, data: NonNullable<CheckedModel['data']>, input: number[], specDir: string, limit: number | undefined): Dataset {
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(specDir, p));
  const outputs = model.layers.at(-1)?.outputShape?.[0] ?? 1;
  switch (data.kind) {
    case 'mnist':
      return loadMnist(input, limit ?? data.limit);
    case 'sparse-regression':
      return sparseRegression(data);
    case 'synthetic':
      return synthetic(input, data, outputs, model.task);
    case 'csv': {
      const d = loadCsv(path(data.file), {
        target: data.target,
        testSplit: data.testSplit,
        test: data.test === undefined ? undefined : path(data.test),
        columns: data.columns,
        classify: model.task === 'classify',
      });
      if (d.inputShape[0] !== input.reduce((a, b) => a * b, 1)) {
        throw new DataError(`${data.file}: expected ${input.join('x')} input columns as the spec's \`input\` says, found ${d.inputShape[0]}`);
      }
      d.inputShape = input;
      return d;
    }
    case 'idx': {
      // With test files, only the first `limit` training images are read; without, the split comes first (the
      // test set stays whole) and limitTraining cuts the training part.
      const withTest = !!(data.testImages && data.testLabels);
      const train = idxImagesAndLabels(path(data.images), path(data.labels), withTest ? limit : undefined);
      const per = train.imageDims.reduce((a, b) => a * b, 1);
      if (per !== input.reduce((a, b) => a * b, 1)) {
        throw new DataError(`${data.images}: expected images of ${input.join('x')} values as the spec's \`input\` says, found ${train.imageDims.join('x')}`);
      }
      let test: Rows;
      let trainPart = train;
      const labels = path(data.labels);
      let testOrigin: RowOrigin;
      if (data.testImages && data.testLabels) {
        test = idxImagesAndLabels(path(data.testImages), path(data.testLabels));
        testOrigin = labelOrigin(path(data.testLabels), 0);
      } else {
        const split = idxTrainRows(train.count);
        test = { x: train.x.slice(split * per), y: train.y.slice(split), count: train.count - split };
        trainPart = { ...train, x: train.x.slice(0, split * per), y: train.y.slice(0, split), count: split };
        testOrigin = labelOrigin(labels, split);
      }
      const classes = maxOf(trainPart.y, test.y) + 1;
      const imageShape = imageShapeOf(train.imageDims);
      const d: Dataset = {
        ...fromSets(input, trainPart, test),
        classes,
        origin: { train: labelOrigin(labels, 0), test: testOrigin },
      };
      if (imageShape) d.imageShape = imageShape;
      return d;
    }
  }
}
