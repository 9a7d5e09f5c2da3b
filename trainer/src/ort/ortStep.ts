import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { CheckedModel } from '../../../language/index.ts';
import type { Batches } from '../batches.ts';
import { dropout, nextDropoutSeed } from '../dropout.ts';
import { valuesOf } from '../hostMemory.ts';
import { FULL_PENALTIES, withInputs } from '../penalties.ts';
import type { LossSums } from '../lossSums.ts';
import type { Network } from '../network.ts';
import type { StepOptions } from '../step.ts';
import type { Ort } from './runtime.ts';
import { openSession, type OrtTensor, type Session } from './session.ts';
import { adamFeeds, momentScales, stepGraph, termFeeds, type AdamConfig, type StepGraph } from './stepGraph.ts';

/** The threads onnxruntime's kernels use: the spec's `threads`, default the cores available. */
export function ortThreads(model: CheckedModel, cores = availableParallelism()): number {
  return Math.max(1, model.train.threads ?? cores);
}

/** A batch's rows on the host: the first `n` rows of `x` (inputs, flat) and `y` (targets; one-hot rows for classify). */
export interface BatchRows {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** An optimizer with the rate of its next step: every tfjs optimizer, and HostAdam, keeps it in `learningRate` (schedule.ts sets it). */
type OptimizerLike = tf.Optimizer & { learningRate: number };

/**
 * The `ort` backend's step executor: every training step of a network as one onnxruntime run of its step graph
 * (stepGraph.ts). The weights and Adam's moments live here as flat Float32Arrays (StepGraph.state) between the epoch's steps; `load` takes
 * them from the network and the optimizer at an epoch's start and `store` writes them back at its end, so that
 * everything else of the run (evaluation, the pruning view, checkpoints, export) reads the tfjs variables as on
 * the other backends, and a checkpoint of either resumes with either.
 */
export class OrtStep {
  /** The graph's state (StepGraph.state: weights, moments) by name, as the last step left it. */
  private current = new Map<string, Float32Array>();
  /**
   * Buffers of the same shapes that the next run writes its `_next` outputs into (onnxruntime fills preallocated
   * outputs), swapped with `current` after it: no fresh megabyte arrays per step, whose page faults cost more than
   * the copies in these VMs (hostMemory.ts).
   */
  private spare = new Map<string, Float32Array>();
  private iterations = 0;
  /** The pruned weights' mask of the fine-tune epochs (1 kept, 0 pruned), per layer's W; set from the mask the loop fixed. */
  private pruned: Float32Array[] | undefined;
  private prunedFor: object | undefined;
  private readonly maskBuffers: Float32Array[] = [];
  private readonly ones = new Map<string, tf.Tensor>();
  private readonly tensors = new WeakMap<Float32Array, OrtTensor[]>();
  private readonly scalars = new Map<string, OrtTensor>();
  /** The graph's input names: the feeds it takes (Adam's proximal scale only where a layer shrinks). */
  private readonly inputs: Set<string>;

  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    private readonly graph: StepGraph,
    private readonly model: CheckedModel,
  ) {
    this.inputs = new Set(session.inputNames);
  }

  /** Builds the spec's step graph and opens an onnxruntime session on `threads` threads. Throws where onnxruntime-node does not load. */
  static async start(model: CheckedModel, targetWidth: number, threads = ortThreads(model)): Promise<OrtStep> {
    const graph = stepGraph(model, targetWidth);
    const { ort, session } = await openSession(graph.bytes, threads);
    return new OrtStep(ort, session, graph, model);
  }

  /** Takes the weights from `network` and the optimizer's state at an epoch's start; `mask`: the fine-tune's pruning mask, if fixed. */
  async load(network: Network, optimizer: tf.Optimizer, mask?: object): Promise<void> {
    const layers = await network.read();
    const weights = layers.flatMap((l) => [l.w, l.b]);
    const { variables, size } = this.graph;
    this.iterations = optimizer.iterations;
    /** One flat state array from each variable's values (StepGraph.state's layout). */
    const flat = (values: readonly Float32Array[]) => {
      const out = new Float32Array(size);
      variables.forEach((v, i) => out.set(values[i]!, v.offset));
      return out;
    };
    this.current.set('params', flat(weights));
    if (this.graph.adam) {
      // HostAdam's state: the step count, then every variable's m, then every v (network.variables order); none before its first step.
      const state = await optimizer.getWeights();
      const moments = await Promise.all(state.slice(1).map(async (s) => (await s.tensor.data()) as Float32Array));
      tf.dispose(state.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
      const count = variables.length;
      const fresh = moments.length !== 2 * count;
      const scales = momentScales(optimizer.getConfig() as unknown as AdamConfig);
      /** The graph's moments: HostAdam's divided by their scales. */
      const scaled = (values: Float32Array[], by: number) => {
        const out = flat(values);
        for (let j = 0; j < out.length; j++) out[j]! /= by;
        return out;
      };
      this.current.set('m', fresh ? new Float32Array(size) : scaled(moments.slice(0, count), scales.m));
      this.current.set('v', fresh ? new Float32Array(size) : scaled(moments.slice(count), scales.v));
    }
    for (const [name, values] of this.current) if (this.spare.get(name)?.length !== values.length) this.spare.set(name, new Float32Array(values.length));
    if (!mask) this.pruned = undefined;
    else if (mask !== this.prunedFor) {
      // The loop's PruneMask was made from the network's nonzeros just now (loop.ts fixSparsity), before any step under it.
      this.pruned = layers.map((l) => Float32Array.from(l.w, (x) => (x !== 0 ? 1 : 0)));
    }
    this.prunedFor = mask;
  }

  /** Writes the weights into `network` and the step count and moments into the optimizer (tf.Optimizer's weights API). */
  async store(network: Network, optimizer: tf.Optimizer): Promise<void> {
    if (!this.current.size) return;
    // Copies: the cpu backend would keep the arrays it is given as the tensors' storage, and these are reused.
    const { variables } = this.graph;
    const value = (state: string, i: number) => this.current.get(state)!.slice(variables[i]!.offset, variables[i]!.offset + variables[i]!.size);
    network.write(network.params.map((_, k) => ({ w: value('params', 2 * k), b: value('params', 2 * k + 1) })));
    const tensors = network.variables;
    const scales = this.graph.adam ? momentScales(optimizer.getConfig() as unknown as AdamConfig) : { m: 1, v: 1 };
    const moments = (kind: 'm' | 'v') =>
      tensors.map((t, i) => ({
        name: `${t.name}/${kind}`,
        tensor: tf.tensor(
          value(kind, i).map((x) => x * scales[kind]),
          t.shape,
        ),
      }));
    const named = [{ name: 'iter', tensor: tf.scalar(this.iterations, 'int32') }, ...(this.graph.adam ? [...moments('m'), ...moments('v')] : [])];
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
    const fetches: Record<string, OrtTensor | null> = { parts: null };
    for (const { name } of this.graph.state) fetches[`${name}_next`] = this.tensorsOf(this.spare.get(name)!)[0]!;
    const out = await this.session.run(feeds, fetches);
    [this.current, this.spare] = [this.spare, this.current];
    this.iterations++;
    if (this.pruned) {
      const params = this.current.get('params')!;
      this.pruned.forEach((mask, k) => {
        const w = params.subarray(this.graph.variables[2 * k]!.offset);
        for (let j = 0; j < mask.length; j++) w[j]! *= mask[j]!;
      });
    }
    return out.parts!.data as Float32Array;
  }

  private feeds(network: Network, optimizer: tf.Optimizer, { x, y, n }: BatchRows, options: StepOptions): Record<string, OrtTensor> {
    const { Tensor } = this.ort;
    const feeds: Record<string, OrtTensor> = {};
    /** A per-step scalar: its tensor made once, its value written into it. */
    const scalar = (name: string, value: number) => {
      let tensor = this.scalars.get(name);
      if (!tensor) this.scalars.set(name, (tensor = new Tensor('float32', new Float32Array(1), [])));
      (tensor.data as Float32Array)[0] = value;
      feeds[name] = tensor;
    };
    const { inputWidth, targetWidth } = this.graph;
    feeds.x = new Tensor('float32', x.subarray(0, n * inputWidth), [n, inputWidth]);
    if (this.model.task !== 'autoencode') feeds.y = new Tensor('float32', y.subarray(0, n * targetWidth), [n, targetWidth]);
    if (this.model.task === 'classify') {
      scalar('inv_n', 1 / n);
      scalar('neg_inv_n', -1 / n);
    } else scalar('mse_scale', 1 / (targetWidth * n));
    let seed = options.dropoutSeed;
    this.graph.drops.forEach((d, j) => {
      if (seed === undefined) throw new Error('expected a dropout seed for a training step, found none');
      seed = nextDropoutSeed(seed);
      feeds[`mask${j}`] = new Tensor('float32', this.mask(j, n, d.width, d.keep, seed), [n, d.width]);
    });
    const learningRate = (optimizer as OptimizerLike).learningRate;
    if (this.graph.adam) {
      const config = { ...(optimizer.getConfig() as unknown as AdamConfig), learningRate };
      for (const [name, value] of Object.entries(adamFeeds(config, this.iterations + 1))) if (this.inputs.has(name)) scalar(name, value);
    } else scalar('neg_lr', -learningRate);
    const scale = options.scale ?? FULL_PENALTIES;
    this.graph.layers.forEach((l, k) => {
      const groups = withInputs(network.groups[k]!, options.inputs ?? 1);
      for (const [name, value] of Object.entries(termFeeds(l, k, scale, groups, learningRate))) scalar(name, value);
    });
    for (const { name } of this.graph.state) feeds[name] = this.tensorsOf(this.current.get(name)!)[0]!;
    // The variables as the forward pass reads them: views of `params`.
    const views = this.tensorsOf(this.current.get('params')!);
    this.graph.variables.forEach((v, i) => (feeds[v.name] = views[i + 1]!));
    return feeds;
  }

  /**
   * The onnxruntime tensors over a flat state array: the whole, then each variable's view of it (StepGraph.variables),
   * made once per array (the same few arrays alternate from step to step).
   */
  private tensorsOf(values: Float32Array): OrtTensor[] {
    let tensors = this.tensors.get(values);
    if (!tensors) {
      const { Tensor } = this.ort;
      tensors = [
        new Tensor('float32', values, [values.length]),
        ...this.graph.variables.map((v) => new Tensor('float32', values.subarray(v.offset, v.offset + v.size), v.dims)),
      ];
      this.tensors.set(values, tensors);
    }
    return tensors;
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
