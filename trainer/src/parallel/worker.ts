// A data-parallel worker: its own TensorFlow.js wasm backend and a replica of the network, which takes
// its weights from shared memory before each task. It computes the gradients of its share of a batch, or the
// metric sums of its share of an evaluation set; the pool (pool.ts) sums and applies them.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { analyze, type CheckedModel } from '../../../language/index.ts';
import { selectBackend } from '../backend.ts';
import { Batches } from '../batches.ts';
import { evaluateSums } from '../evaluate.ts';
import { Network } from '../network.ts';
import { REBUILT_OPS } from '../ops.ts';
import { Rng } from '../rng.ts';
import { stepGradients } from '../step.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.ts';
import { readWeights, writeTensors } from './weights.ts';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const send = (message: FromWorker): void => port.postMessage(message);

class Replica {
  private readonly per: number;

  constructor(
    private readonly model: CheckedModel,
    // Its initial values are overwritten from shared memory before every task.
    private readonly network = new Network(model, new Rng(0), REBUILT_OPS),
  ) {
    this.per = setup.inputShape.reduce((a, b) => a * b, 1);
  }

  async handle(message: ToWorker): Promise<FromWorker> {
    readWeights(this.network, setup.weights);
    if (message.type === 'evaluate') {
      const sums = await evaluateSums((t) => this.network.forward(t), this.model.task, message.x, message.y, setup.inputShape, message.from, message.to);
      return { type: 'evaluated', sums };
    }
    const { x, y } = Batches.tensorsOf(setup.batch, setup.inputShape, this.per, setup.targetWidth, message.shard.offset, message.n);
    const { parts, grads } = stepGradients(this.network, this.model.task, x, y, {
      dropoutSeed: message.dropoutSeed,
      scale: message.scale,
      shard: message.shard,
    });
    writeTensors(grads, setup.grads);
    const values = Array.from(parts.dataSync());
    tf.dispose([x, y, parts, ...grads]);
    return { type: 'stepped', parts: values };
  }
}

async function start(): Promise<Replica> {
  await selectBackend('wasm');
  const model = analyze(setup.spec, setup.overrides).model;
  if (!model) throw new Error('expected the spec to check in a worker as it did in the run, found errors');
  return new Replica(model);
}

void (async () => {
  let replica: Replica;
  try {
    replica = await start();
  } catch (error) {
    send({ type: 'failed', message: (error as Error).message });
    return;
  }
  // One task at a time: the pool sends the next only after this one's answer.
  port.on('message', (message: ToWorker) => {
    replica.handle(message).then(send, (error: unknown) => send({ type: 'failed', message: (error as Error).message }));
  });
  send({ type: 'ready' });
})();
