/**
 * When a data set is too small to learn from: the one rule the trainer (a warning in its start event, which the
 * CLI prints) and the editor (a DNN223 warning on the `data` line, from the files' row counts) share. Training
 * goes on: a warning, not an error, since a tiny set is sometimes what a user means to try.
 */

/** Fewer training samples than this teach a network nothing it can be measured on. */
export const MIN_TRAINING_SAMPLES = 20;
/** A test (or validation) set below this reads in steps of more than 20 points of accuracy. */
export const MIN_TEST_SAMPLES = 5;

/** One sentence when `train`/`test` samples are too few, else undefined. */
export function tooFewSamples(train: number, test: number): string | undefined {
  const few: string[] = [];
  if (train < MIN_TRAINING_SAMPLES) few.push(`${train} training sample${train === 1 ? '' : 's'} (fewer than ${MIN_TRAINING_SAMPLES})`);
  if (test < MIN_TEST_SAMPLES)
    few.push(`${test} test sample${test === 1 ? '' : 's'} (fewer than ${MIN_TEST_SAMPLES}: each is ${Math.round(100 / Math.max(test, 1))} points of accuracy)`);
  return few.length ? `a data set too small to learn from: ${few.join(' and ')}; give it more rows, or read its results as noise` : undefined;
}

/** A CSV without a test file tests on its last `testSplit` of the rows, at least one. */
export function csvTestRows(rows: number, testSplit: number): number {
  return Math.max(1, Math.round(rows * testSplit));
}

/** IDX files without test files train on the first 80 % of the images and test on the rest. */
export function idxTrainRows(count: number): number {
  return Math.floor(count * 0.8);
}
