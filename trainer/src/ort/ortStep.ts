import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { CheckedModel } from '../../../language/index.ts';
import type { Batches } from '../batches.ts';
import { dropout } from '../dropout.ts';
import { withInputs } from '../penalties.ts';
import { FULL_PENALTIES } from '../penalties.ts';
import { valuesOf } from '../hostMemory.ts';
import type { LossSums } from '../lossSums.ts';
import type { Network } from '../network.ts';
import type { StepOptions } from '../step.ts';
import { loadOrt, type Ort } from './runtime.ts';
import { stepGraph, termFeeds, type StepGraph } from './stepGraph.ts';

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;
type OrtTensor = InstanceType<Ort['Tensor']>;

/** HostAdam's β₁ and β₂ (optimizer.ts), for the bias corrections fed per step. */
const BETA1 = 0.9;
const BETA2 = 0.999;

/** The threads onnxruntime's kernels use: the spec's `threads`, default the cores available. */
export function ortThreads(model: CheckedModel, cores = availableParallelism()): number {
  return Math.max(1, model.train.threads ?? cores);
}

/** The next dropout seed of the forward pass's chain (network.ts forwardPass: one per dropout site, in order). */
function nextSeed(seed: number): number {
  return (seed * 1103515245 + 12345) % 2147483647;
}

/** A batch's rows on the host: the first `n` rows of `x` (inputs, flat) and `y` (targets; one-hot rows for classify). */
export interface BatchRows {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** The optimizer's state as the step graph reads it between syncs: what tf.Optimizer's weights API carries. */
type OptimizerLike = tf.Optimizer & { learningRate: number };

/**
 * The `ort` backend's step executor: every training step of a dense network as one onnxruntime run of its step graph
 * (stepGraph.ts). The weights and Adam's moments live here as Float32Arrays between the epoch's steps; `load` takes
 * them from the network and the optimizer at an epoch's start and `store` writes them back at its end, so that
 * everything else of the run (evaluation, the pruning view, checkpoints, export) reads the tfjs variables as on
 * the other backends, and a checkpoint of either resumes with either.
 */
export class OrtStep {
  private weights: Float32Array[] = [];
  private m: Float32Array[] = [];
  private v: Float32Array[] = [];
  private iterations = 0;
  /** The pruned weights' mask of the fine-tune epochs (1 kept, 0 pruned), per layer's W; set from the mask the loop fixed. */
  private pruned: Float32Array[] | undefined;
  private prunedFor: object | undefined;
  private readonly maskBuffers: Float32Array[] = [];
  private readonly ones = new Map<string, tf.Tensor>();

  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    private readonly graph: StepGraph,
    private readonly model: CheckedModel,
  ) {}

  /** Builds the spec's step graph and opens an onnxruntime session on `threads` threads. Throws where onnxruntime-node does not load. */
  static async start(model: CheckedModel, targetWidth: number, threads = ortThreads(model)): Promise<OrtStep> {
    const ort = loadOrt();
    const graph = stepGraph(model, targetWidth);
    const session = await ort.InferenceSession.create(graph.bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new OrtStep(ort, session, graph, model);
  }

  /** Takes the weights from `network` and the optimizer's state at an epoch's start; `mask`: the fine-tune's pruning mask, if fixed. */
  async load(network: Network, optimizer: tf.Optimizer, mask?: object): Promise<void> {
    const layers = await network.read();
    this.weights = layers.flatMap((l) => [l.w, l.b]);
    this.iterations = optimizer.iterations;
    if (this.graph.adam) {
      const state = await optimizer.getWeights();
      const moments = state.slice(1);
      const values = await Promise.all(moments.map(async (s) => Float32Array.from(await s.tensor.data())));
      tf.dispose(state.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
      const count = this.weights.length;
      this.m = values.length === 2 * count ? values.slice(0, count) : this.weights.map((w) => new Float32Array(w.length));
      this.v = values.length === 2 * count ? values.slice(count) : this.weights.map((w) => new Float32Array(w.length));
    }
    if (!mask) this.pruned = undefined;
    else if (mask !== this.prunedFor) {
      // The loop's PruneMask was made from the network's nonzeros just now (loop.ts fixSparsity), before any step under it.
      this.pruned = layers.map((l) => Float32Array.from(l.w, (x) => (x !== 0 ? 1 : 0)));
    }
    this.prunedFor = mask;
  }

  /** Writes the weights into `network` and the step count and moments into the optimizer (tf.Optimizer's weights API). */
  async store(network: Network, optimizer: tf.Optimizer): Promise<void> {
    if (!this.weights.length) return;
    network.write(network.params.map((_, i) => ({ w: this.weights[2 * i]!, b: this.weights[2 * i + 1]! })));
    const variables = network.variables;
    const named = [
      { name: 'iter', tensor: tf.scalar(this.iterations, 'int32') },
      ...(this.graph.adam
        ? [
            ...this.m.map((m, i) => ({ name: `${variables[i]!.name}/m`, tensor: tf.tensor(m, variables[i]!.shape) })),
            ...this.v.map((v, i) => ({ name: `${variables[i]!.name}/v`, tensor: tf.tensor(v, variables[i]!.shape) })),
          ]
        : []),
    ];
    await optimizer.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
  }

  /** One step on batch `b` of `order` (gathered into `batches`' buffers); its loss parts go to `sums`. */
  async stepBatch(
    network: Network,
    optimizer: tf.Optimizer,
    batches: Batches,
    order: Int32Array,
    b: number,
    options: StepOptions,
    sums: LossSums,
  ): Promise<void> {
    const n = batches.fill(order, b);
    sums.addHost(await this.step(network, optimizer, { ...batches.buffers, n }, options));
  }

  /**
   * One step on the first `n` rows of `batch` (inputs flat, targets one-hot for classify): the graph's run, its weights
   * and moments kept. Returns the loss parts (LOSS_PARTS order).
   */
  async step(network: Network, optimizer: tf.Optimizer, batch: BatchRows, options: StepOptions): Promise<Float32Array> {
    const feeds = this.feeds(network, optimizer, batch, options);
    const out = await this.session.run(feeds);
    const take = (name: string) => out[name]!.data as Float32Array;
    this.iterations++;
    this.graph.layers.forEach((_, k) => {
      for (const [j, v] of [`w${k}`, `b${k}`].entries()) {
        const i = 2 * k + j;
        this.weights[i] = take(`${v}_next`);
        if (this.graph.adam) {
          this.m[i] = take(`m_${v}_next`);
          this.v[i] = take(`v_${v}_next`);
        }
      }
      const mask = this.pruned?.[k];
      if (mask) {
        const w = this.weights[2 * k]!;
        for (let j = 0; j < w.length; j++) w[j]! *= mask[j]!;
      }
    });
    return take('parts');
  }

  private feeds(network: Network, optimizer: tf.Optimizer, { x, y, n }: BatchRows, options: StepOptions): Record<string, OrtTensor> {
    const { Tensor } = this.ort;
    const scalar = (value: number) => new Tensor('float32', Float32Array.of(value), []);
    const feeds: Record<string, OrtTensor> = {};
    const { inputWidth, targetWidth } = this.graph;
    feeds.x = new Tensor('float32', x.subarray(0, n * inputWidth), [n, inputWidth]);
    if (this.model.task !== 'autoencode') feeds.y = new Tensor('float32', y.subarray(0, n * targetWidth), [n, targetWidth]);
    if (this.model.task === 'classify') {
      feeds.inv_n = scalar(1 / n);
      feeds.neg_inv_n = scalar(-1 / n);
    } else feeds.mse_scale = scalar(1 / (targetWidth * n));
    let seed = options.dropoutSeed;
    this.graph.drops.forEach((d, j) => {
      if (seed === undefined) throw new Error('expected a dropout seed for a training step, found none');
      seed = nextSeed(seed);
      feeds[`mask${j}`] = new Tensor('float32', this.mask(j, n, d.width, d.keep, seed), [n, d.width]);
    });
    const learningRate = (optimizer as OptimizerLike).learningRate;
    if (this.graph.adam) {
      const t = this.iterations + 1;
      feeds.adam_rate = scalar(learningRate / (1 - BETA1 ** t));
      feeds.adam_root = scalar(1 / Math.sqrt(1 - BETA2 ** t));
    } else feeds.neg_lr = scalar(-learningRate);
    const scale = options.scale ?? FULL_PENALTIES;
    this.graph.layers.forEach((l, k) => {
      const groups = withInputs(network.groups[k]!, options.inputs ?? 1);
      for (const [name, value] of Object.entries(termFeeds(l, k, scale, groups))) feeds[name] = scalar(value);
      const shapes: [string, number[]][] = [
        [`w${k}`, [l.inputs, l.units]],
        [`b${k}`, [l.units]],
      ];
      shapes.forEach(([name, dims], j) => {
        feeds[name] = new Tensor('float32', this.weights[2 * k + j]!, dims);
        if (this.graph.adam) {
          feeds[`m_${name}`] = new Tensor('float32', this.m[2 * k + j]!, dims);
          feeds[`v_${name}`] = new Tensor('float32', this.v[2 * k + j]!, dims);
        }
      });
    });
    return feeds;
  }

  /**
   * Dropout site `j`'s mask for `n` rows: dropout.ts' own (its hash of seed and position) applied to ones, so that
   * both backends drop the same values.
   */
  private mask(j: number, n: number, width: number, keep: number, seed: number): Float32Array {
    const key = `${n}x${width}`;
    let ones = this.ones.get(key);
    if (!ones) {
      ones = tf.ones([n, width]);
      this.ones.set(key, ones);
    }
    if ((this.maskBuffers[j]?.length ?? 0) < n * width) this.maskBuffers[j] = new Float32Array(n * width);
    const into = this.maskBuffers[j]!.subarray(0, n * width);
    const mask = dropout(ones, keep, seed);
    into.set(valuesOf(mask));
    mask.dispose();
    return into;
  }

  async dispose(): Promise<void> {
    tf.dispose([...this.ones.values()]);
    this.ones.clear();
    await this.session.release();
  }
}
