import type { CheckedModel } from '../../language/index.ts';
import type { Dataset } from '../../trainer/src/data/dataset.ts';
import type { Rng } from '../../trainer/src/rng.ts';

/** Eight batches of random samples of the model's input shape (ten classes), as the loop gathers them: what the step benches train on. */
export function randomData(model: CheckedModel, batch: number, rng: Rng): Dataset {
  const inputShape = model.input!;
  const per = inputShape.reduce((a, b) => a * b, 1);
  const count = batch * 8;
  return {
    inputShape,
    trainX: Float32Array.from({ length: count * per }, () => rng.next()),
    trainY: Float32Array.from({ length: count }, () => rng.int(10)),
    testX: new Float32Array(0),
    testY: new Float32Array(0),
    trainCount: count,
    testCount: 0,
    targetSize: 1,
  };
}
