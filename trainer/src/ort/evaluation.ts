import type { CheckedModel, Task } from '../../../language/index.ts';
import type { MetricSums } from '../evaluate.ts';
import type { LayerWeights } from '../layerWeights.ts';
import { forwardGraph } from './forward.ts';
import { GraphBuilder, int } from './graph.ts';
import { ortThreads } from './ortStep.ts';
import { openSession, type OrtTensor, type Session } from './session.ts';
import type { Ort } from './runtime.ts';

/** An evaluation graph: its bytes, and the widest activation of a row (what bounds its batch). */
export interface EvaluationGraph {
  bytes: Uint8Array;
  inputWidth: number;
  outputWidth: number;
  /** Values per row of the largest activation: the batch is sized so that it stays a few tens of megabytes. */
  widest: number;
}

/**
 * The metric's forward graph (evaluate.ts evaluateSums in inference mode, no dropout): the weights `w<k>`, `b<k>`
 * are inputs, fed each run from the host weights the Evaluator is given. For classify, `correct`: how many rows'
 * argmax (the first maximum, as tf.argMax) equals their label (`labels` [batch], class indices as floats); otherwise,
 * per row, `errors` Σ(ŷ − y)² and `targets` Σy², which the host adds in float64.
 */
export function evaluationGraph(model: CheckedModel): EvaluationGraph {
  const g = new GraphBuilder();
  const inputWidth = (model.input ?? []).reduce((a, b) => a * b, 1);
  const x = g.input('x', ['batch', inputWidth]);
  const { output, width } = forwardGraph(g, model, x);
  if (model.task === 'classify') {
    const predicted = g.op('Cast', [g.op('ArgMax', [output], [int('axis', 1), int('keepdims', 0)])], [int('to', 1)]);
    const hits = g.op('Cast', [g.op('Equal', [predicted, g.input('labels', ['batch'])])], [int('to', 1)]);
    g.output('correct', g.sum(hits), []);
  } else {
    const target = model.task === 'autoencode' ? x : g.input('y', ['batch', width]);
    const diff = g.sub(output, target);
    g.output('errors', g.sum(g.mul(diff, diff), [1]), ['batch']);
    g.output('targets', g.sum(g.mul(target, target), [1]), ['batch']);
  }
  const widest = Math.max(inputWidth, ...model.layers.map((l) => (l.outputShape ?? []).reduce((a, b) => a * b, 1)));
  return { bytes: g.encode(`${model.name}_evaluate`), inputWidth, outputWidth: width, widest };
}

/** Activation values one evaluation run holds at most (per tensor): 4096 rows of LeNet-300-100, a few hundred of LeNet-5's 28×28×32. */
const BATCH_VALUES = 1 << 23;
const MAX_BATCH = 4096;

/** Sessions by graph, kept for the process's later evaluations (one run's epochs, re-pruning's thresholds); the oldest released beyond a few. */
const sessions = new Map<string, Promise<OrtEvaluation>>();
const KEPT_SESSIONS = 4;

/**
 * The metric of host weights on onnxruntime: one session per model shape, reused by every evaluation of the process,
 * the rows fed in batches of up to 4096 as views of the data set's arrays (no copies).
 */
export class OrtEvaluation {
  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    private readonly graph: EvaluationGraph,
    readonly batch: number,
  ) {}

  /** The evaluation of `model`, its session opened once per shape. */
  static for(model: CheckedModel): Promise<OrtEvaluation> {
    const graph = evaluationGraph(model);
    const threads = ortThreads(model);
    const key = `${threads} ${Buffer.from(graph.bytes).toString('base64')}`;
    let evaluation = sessions.get(key);
    if (!evaluation) {
      evaluation = openSession(graph.bytes, threads).then(({ ort, session }) => new OrtEvaluation(ort, session, graph, batchFor(graph)));
      sessions.set(key, evaluation);
      // A failed start is not kept: the next evaluation tries again and says why.
      evaluation.catch(() => sessions.delete(key));
      if (sessions.size > KEPT_SESSIONS) {
        const [oldest, first] = sessions.entries().next().value!;
        sessions.delete(oldest);
        void first.then((e) => e.session.release()).catch(() => undefined);
      }
    }
    return evaluation;
  }

  /** The metric's sums (evaluate.ts MetricSums) over the first `count` rows of x (inputs, flat) and y (labels for classify, targets otherwise). */
  async sums(task: Task, weights: readonly LayerWeights[], x: Float32Array, y: Float32Array, count: number): Promise<MetricSums> {
    const { Tensor } = this.ort;
    const feeds: Record<string, OrtTensor> = {};
    weights.forEach(({ layer, w, b }, k) => {
      feeds[`w${k}`] = new Tensor('float32', w, layer.weightShape!);
      feeds[`b${k}`] = new Tensor('float32', b, [b.length]);
    });
    const { inputWidth, outputWidth } = this.graph;
    const sums = task === 'classify' ? [0] : [0, 0];
    for (let start = 0; start < count; start += this.batch) {
      const n = Math.min(count, start + this.batch) - start;
      feeds.x = new Tensor('float32', x.subarray(start * inputWidth, (start + n) * inputWidth), [n, inputWidth]);
      if (task === 'classify') feeds.labels = new Tensor('float32', y.subarray(start, start + n), [n]);
      else if (task === 'regress') feeds.y = new Tensor('float32', y.subarray(start * outputWidth, (start + n) * outputWidth), [n, outputWidth]);
      const out = await this.session.run(feeds);
      if (task === 'classify') sums[0]! += (out.correct!.data as Float32Array)[0]!;
      else {
        for (const v of out.errors!.data as Float32Array) sums[0]! += v;
        for (const v of out.targets!.data as Float32Array) sums[1]! += v;
      }
    }
    return { sums, values: task === 'classify' ? 0 : count * outputWidth };
  }
}

/** Rows per run: as many as keep the widest activation within BATCH_VALUES, at most MAX_BATCH, at least one. */
function batchFor(graph: EvaluationGraph): number {
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_VALUES / graph.widest)));
}
