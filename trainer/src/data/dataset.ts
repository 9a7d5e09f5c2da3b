import type { Range } from '../../../language/index.ts';

/** Data in memory, ready for batching: row-major float32 inputs and targets. */
export interface Dataset {
  /** Shape of one input, e.g. [784] or [28, 28, 1]. */
  inputShape: number[];
  trainX: Float32Array;
  testX: Float32Array;
  /** Class indices for classify; values for regress; unused for autoencode (targets are the inputs). */
  trainY: Float32Array;
  testY: Float32Array;
  trainCount: number;
  testCount: number;
  /** The inputs' names in the order the network reads them, when the data names them (a CSV's columns without its target). */
  inputNames?: string[];
  /** Values per target row: 1 for class labels and scalar regression. */
  targetSize: number;
  classes?: number;
  /**
   * [height, width] when each input is one single-channel image, row by row: set by the loaders that know
   * (the IDX header of mnist and idx files, or an input declared HxWx1). The epoch events' input mask uses it.
   */
  imageShape?: [number, number];
  /** Extra facts a run reports (e.g. the true nonzero weights of sparse-regression). */
  facts?: Record<string, unknown>;
  /**
   * Training rows held out (`validation`, and `dropneuron auto`'s default): what a run steers and selects by,
   * never the test set. Taken from the end of the training rows, after `--limit`.
   */
  validation?: { x: Float32Array; y: Float32Array; count: number };
  /** Where each set's rows come from, for messages that name a bad one (validate.ts); absent for generated data. */
  origin?: { train: RowOrigin; test: RowOrigin };
}

/** The file a set's targets come from, and how to name row `index` of the set in it ("labels.idx at label index 7", "data.csv:9"). */
export interface RowOrigin {
  file: string;
  locate(index: number): string;
}

/** The largest value of some arrays, in one pass each: no spread, whatever their length (a spread of 200 000 overflows the stack). */
export function maxOf(...arrays: ArrayLike<number>[]): number {
  let max = -Infinity;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (a[i]! > max) max = a[i]!;
  return max;
}

/** [height, width] of a shape that is one single-channel image: HxW or HxWx1; undefined for anything else. */
export function imageShapeOf(shape: readonly number[]): [number, number] | undefined {
  const [h, w, channels] = shape;
  if (h === undefined || w === undefined) return undefined;
  return shape.length === 2 || (shape.length === 3 && channels === 1) ? [h, w] : undefined;
}

/** A data problem the user can fix: one clear message naming the file and the problem. */
export class DataError extends Error {
  /** Where in the spec the fix is, when it is there and not in the data (a last layer narrower than the labels need). */
  readonly specRange: Range | undefined;
  constructor(message: string, specRange?: Range) {
    super(message);
    this.specRange = specRange;
  }
}

export function inputSize(d: Dataset): number {
  return d.inputShape.reduce((a, b) => a * b, 1);
}

/**
 * The data set with its training rows cut to the first `limit` (the run's `--limit`); the test set stays whole,
 * so that runs with different limits are measured alike. Every loader's data goes through it.
 */
export function limitTraining(d: Dataset, limit: number | undefined): Dataset {
  if (limit === undefined || limit >= d.trainCount) return d;
  const x = d.trainX.length / d.trainCount;
  const y = d.trainY.length / d.trainCount;
  return { ...d, trainX: d.trainX.slice(0, limit * x), trainY: d.trainY.slice(0, limit * y), trainCount: limit };
}

/** The data set with its last `rows` training rows held out for validation (none when `rows` is 0). */
export function holdOutValidation(d: Dataset, rows: number): Dataset {
  if (rows <= 0) return d;
  const keep = d.trainCount - rows;
  const x = d.trainX.length / d.trainCount;
  const y = d.trainY.length / d.trainCount;
  return {
    ...d,
    trainX: d.trainX.slice(0, keep * x),
    trainY: d.trainY.slice(0, keep * y),
    trainCount: keep,
    validation: { x: d.trainX.slice(keep * x), y: d.trainY.slice(keep * y), count: rows },
  };
}

/** Rows of one set: inputs and targets, row-major. */
export interface Rows {
  x: Float32Array;
  y: Float32Array;
  count: number;
}

/** A data set from its training rows and its test rows, read apart (two files, or two pairs of IDX files). */
export function fromSets(inputShape: number[], train: Rows, test: Rows): Dataset {
  return { inputShape, trainX: train.x, trainY: train.y, testX: test.x, testY: test.y, trainCount: train.count, testCount: test.count, targetSize: 1 };
}

/** A flat-feature data set whose first `trainCount` rows train and the rest test (file or generation order). */
export function splitRows(x: Float32Array, y: Float32Array, features: number, trainCount: number): Dataset {
  const total = y.length;
  return {
    inputShape: [features],
    trainX: x.slice(0, trainCount * features),
    testX: x.slice(trainCount * features),
    trainY: y.slice(0, trainCount),
    testY: y.slice(trainCount),
    trainCount,
    testCount: total - trainCount,
    targetSize: 1,
  };
}
