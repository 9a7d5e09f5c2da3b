import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { hasPenalty, type CheckedModel } from '../../../language/index.ts';
import type { TrainingOverrides } from '../../../protocol/settings.ts';
import { Batches, oneHotClasses } from '../batches.ts';
import type { Dataset } from '../data/dataset.ts';
import { addSums, EVALUATION_BATCH, evaluateSums, type MetricSums } from '../evaluate.ts';
import type { LossSums } from '../lossSums.ts';
import type { Network } from '../network.ts';
import { FULL_PENALTIES } from '../penalties.ts';
import { applyFlatGradients, stepGradients, type StepOptions } from '../step.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.ts';
import { addInto, paramCount, writeTensors, writeWeights } from './weights.ts';

/**
 * A worker thread running worker.ts. From the bundle it is dist/trainerWorker.js beside dist/cli.js. From source
 * (tests, benches under tsx) it is worker.ts beside this file, loaded through tsx's require hook: the loader
 * hooks that `--import tsx` registers do not reach worker threads.
 */
function startWorker(workerData: WorkerSetup): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(join(__dirname, 'trainerWorker.js'), { workerData });
  const file = join(__dirname, 'worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)});`, { eval: true, workerData });
}

const shared = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);

/** `count` rows as `parts` consecutive ranges [from, to), as even as can be, the first ones the larger. */
export function splitRows(count: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  let from = 0;
  for (let k = 0; k < parts; k++) {
    const n = Math.floor(count / parts) + (k < count % parts ? 1 : 0);
    ranges.push([from, from + n]);
    from += n;
  }
  return ranges;
}

/**
 * A step's shares: `count` rows in `parts` consecutive ranges where the first, the thread that also adds every
 * layer's penalties, takes `headStart` rows fewer than each of the others (at least one row), so that the threads
 * finish together; the rest split as splitRows does.
 */
export function stepShares(count: number, parts: number, headStart: number): [number, number][] {
  if (parts === 1) return [[0, count]];
  const first = Math.min(count, Math.max(1, Math.round((count - headStart * (parts - 1)) / parts)));
  return [[0, first], ...splitRows(count - first, parts - 1).map(([from, to]): [number, number] => [from + first, to + first])];
}

/**
 * How many rows of a batch the penalties' work is worth (stepShares' head start), estimated from the model: the
 * penalties make a dozen elementwise passes over every weight of a layer that has any, measured on wasm at about the cost of 190 FLOPs
 * of the products per weight (LeNet-300-100: 2.2 ms for 266 k weights, against 0.05 ms for a row's 1.1 MFLOP),
 * and a row costs its forward and backward products: 6 FLOPs per dense weight (4 on the input layer, whose input
 * gradient is not computed) and per multiply-add of a convolution. Fixed by the model, so a run's split, and
 * with it its sums, are the same every time.
 */
const PENALTY_FLOPS_PER_WEIGHT = 190;
export function penaltyRows(model: CheckedModel): number {
  let weights = 0;
  let rowFlops = 0;
  model.layers.forEach((layer, i) => {
    const shape = layer.weightShape;
    if (!shape) return;
    const size = shape.reduce((a, b) => a * b, 1);
    if (hasPenalty(layer.reg)) weights += size;
    const passes = i === 0 ? 4 : 6;
    const pixels = layer.kind === 'conv' ? (layer.outputShape ?? [1]).slice(0, -1).reduce((a, b) => a * b, 1) : 1;
    rowFlops += passes * size * pixels;
  });
  return rowFlops > 0 ? Math.round((PENALTY_FLOPS_PER_WEIGHT * weights) / rowFlops) : 0;
}

/** One worker thread and its answers, taken in the order its tasks were sent. */
class Helper {
  private readonly waiting: { resolve: (m: FromWorker) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(
    readonly worker: Worker,
    readonly grads: Float32Array,
  ) {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'failed') this.fail(new Error(`a training worker failed: ${message.message}`));
      else this.waiting.shift()?.resolve(message);
    });
    worker.on('error', (error) => this.fail(new Error(`a training worker failed: ${error.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`a training worker stopped (exit code ${code})`)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }

  /** The next answer (the first is 'ready'). */
  next(): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  task(message: ToWorker): Promise<FromWorker> {
    const answer = this.next();
    // Marks a failure as handled until the pool awaits this answer: a worker may fail while this thread steps.
    answer.catch(() => undefined);
    this.worker.postMessage(message);
    return answer;
  }
}

/**
 * Data-parallel training on the wasm backend: this thread and `threads − 1` worker threads, each with its own
 * wasm backend (tfjs runs wasm on one thread in Node), take consecutive shares of every batch. Before each
 * step this thread writes the network's weights to shared memory and every worker loads them; each computes
 * its share's gradients (step.ts, `shard`), the workers write theirs to shared memory, and this thread adds
 * them to its own in worker order (so a run is reproducible for a given thread count) and applies the
 * optimizer to its network: the run's one network and optimizer, which checkpoints, statistics and export
 * read as with one thread. Evaluation is split the same way, by whole evaluation batches.
 */
export class StepPool {
  readonly batches: Batches;
  private readonly weights: Float32Array;
  /** This thread's gradients plus the workers', in network.variables order. */
  private readonly summed: Float32Array;
  private readonly per: number;
  /** Rows the penalties of shard 0 are worth (penaltyRows). */
  private readonly headStart: number;
  /** The sets shared for evaluation (the test set, the train metric's first rows), by the array they copy. */
  private readonly evaluation = new Map<Float32Array, { x: Float32Array; y: Float32Array; count: number }>();

  private constructor(
    private readonly helpers: Helper[],
    setup: Omit<WorkerSetup, 'grads'>,
    batches: Batches,
    model: CheckedModel,
  ) {
    this.batches = batches;
    this.weights = setup.weights;
    this.summed = new Float32Array(setup.weights.length);
    this.per = setup.inputShape.reduce((a, b) => a * b, 1);
    this.headStart = penaltyRows(model);
  }

  /** Threads in all, this one included. */
  get threads(): number {
    return this.helpers.length + 1;
  }

  /**
   * Starts `threads − 1` workers for the run (the spec's text and overrides as its manifest holds them) and
   * waits until each has loaded its backend and network. Throws the first worker's failure.
   */
  static async start(
    threads: number,
    run: { spec: string; overrides: TrainingOverrides },
    model: CheckedModel,
    data: Dataset,
    network: Network,
  ): Promise<StepPool> {
    const classes = oneHotClasses(model);
    const batch = Batches.buffers(data, model.train.batch, classes, shared);
    const batches = new Batches(data, model.train.batch, classes, batch);
    const count = paramCount(network);
    const setup: Omit<WorkerSetup, 'grads'> = {
      spec: run.spec,
      overrides: run.overrides,
      inputShape: data.inputShape,
      targetWidth: batches.targetWidth,
      batch,
      weights: new Float32Array(shared(count * 4)),
    };
    const helpers: Helper[] = [];
    for (let k = 1; k < threads; k++) {
      const grads = new Float32Array(shared(count * 4));
      helpers.push(new Helper(startWorker({ ...setup, grads }), grads));
    }
    const pool = new StepPool(helpers, setup, batches, model);
    try {
      await Promise.all(helpers.map((h) => h.next()));
    } catch (error) {
      await pool.dispose();
      throw error;
    }
    return pool;
  }

  /**
   * One step on batch `b` of `order`: the batch gathered into shared memory, split into consecutive shares
   * (this thread's first), the shares' gradients summed in order and applied to `t`'s network; the loss parts go to
   * `sums`.
   */
  async step(
    t: { model: CheckedModel; network: Network; optimizer: tf.Optimizer },
    order: Int32Array,
    b: number,
    options: StepOptions,
    sums: LossSums,
  ): Promise<void> {
    const total = this.batches.fill(order, b);
    const shares = stepShares(total, this.threads, this.headStart);
    writeWeights(t.network, this.weights);
    const answers = this.helpers.map((h, k) => {
      const [from, to] = shares[k + 1]!;
      return to > from
        ? h.task({
            type: 'step',
            n: to - from,
            shard: { offset: from, total },
            dropoutSeed: options.dropoutSeed,
            scale: options.scale ?? FULL_PENALTIES,
          })
        : undefined;
    });
    const { x, y } = this.batches.tensors(0, shares[0]![1]);
    const { parts, grads } = stepGradients(t.network, t.model.task, x, y, { ...options, shard: { offset: 0, total } });
    tf.dispose([x, y]);
    // The sum on the host, in worker order (so a run is reproducible for a given thread count), then one update.
    writeTensors(grads, this.summed);
    tf.dispose(grads);
    for (let k = 0; k < this.helpers.length; k++) {
      const answer = await answers[k];
      if (!answer) continue;
      if (answer.type !== 'stepped') throw new Error(`expected a worker's step, found its ${answer.type}`);
      sums.addHost(answer.parts);
      addInto(this.summed, this.helpers[k]!.grads);
    }
    applyFlatGradients(t.network, t.optimizer, this.summed, options);
    sums.add(parts);
  }

  /**
   * The metric sums of host weights over the first `count` rows of a set: the weights and rows shared, the rows
   * split by whole evaluation batches, this thread taking the first share with `predict` (the weights as tensors).
   */
  async evaluate(
    weights: readonly { w: Float32Array; b: Float32Array }[],
    predict: (x: tf.Tensor) => tf.Tensor,
    model: CheckedModel,
    x: Float32Array,
    y: Float32Array,
    inputShape: number[],
    count: number,
  ): Promise<MetricSums> {
    let at = 0;
    for (const { w, b } of weights) {
      this.weights.set(w, at);
      this.weights.set(b, at + w.length);
      at += w.length + b.length;
    }
    const set = this.share(x, y, count);
    const batches = splitRows(Math.ceil(count / EVALUATION_BATCH), this.threads).map(([from, to]) => [
      from * EVALUATION_BATCH,
      Math.min(count, to * EVALUATION_BATCH),
    ]);
    const answers = this.helpers.map((h, k) => {
      const [from, to] = batches[k + 1]!;
      return to > from ? h.task({ type: 'evaluate', x: set.x, y: set.y, from, to }) : undefined;
    });
    const mine = await evaluateSums(predict, model.task, x, y, inputShape, 0, batches[0]![1]);
    const parts: MetricSums[] = [mine];
    for (const answer of answers) {
      if (!answer) continue;
      const got = await answer;
      if (got.type !== 'evaluated') throw new Error(`expected a worker's evaluation, found its ${got.type}`);
      parts.push(got.sums);
    }
    return addSums(parts, model.task);
  }

  /**
   * The first `count` rows of a set in shared memory, copied once per set and row count: every epoch evaluates
   * the same sets, and a fresh copy each time would make the run's memory grow and shrink with them.
   */
  private share(x: Float32Array, y: Float32Array, count: number): { x: Float32Array; y: Float32Array } {
    const kept = this.evaluation.get(x);
    if (kept && kept.count === count) return kept;
    const yPer = y.length / Math.max(1, x.length / this.per);
    const sx = new Float32Array(shared(count * this.per * 4));
    const sy = new Float32Array(shared(Math.round(count * yPer) * 4));
    sx.set(x.subarray(0, sx.length));
    sy.set(y.subarray(0, sy.length));
    const copy = { x: sx, y: sy, count };
    this.evaluation.set(x, copy);
    return copy;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}
