import { PENALTY_TERM_NAMES, type CheckedLayer, type CheckedModel, type PenaltyTerm } from '../../../language/index.ts';
import type { GroupWeights } from '../groupWeights.ts';
import { NORM_EPSILON, SEED_SCALE, type PenaltyWeights } from '../penalties.ts';
import { backwardStep } from './backward.ts';
import { forwardGraph } from './forward.ts';
import { GraphBuilder, int } from './graph.ts';

/** One weighted layer of the step graph: W (dense [in, out], conv [kh, kw, in, out]), b [out], and the penalty terms it has. */
export interface GraphLayer {
  layer: CheckedLayer;
  shape: number[];
  /** The axes summed for each row group (lo: an input neuron, a conv's input channel) and each column group (li: an output one). */
  rowAxes: number[];
  colAxes: number[];
  /** How many row and column groups W has. */
  rowGroups: number;
  colGroups: number;
  /** The terms whose strength in the spec is above 0: the graph computes these, at the strengths fed per step. */
  terms: PenaltyTerm[];
  /** DropNeuron moves W by its proximal step after the update (`update proximal`), not by its gradient. */
  proximal: boolean;
}

/** A dropout site, in the order the forward pass draws its seeds (network.ts forwardPass): a mask [batch, width] fed per step. */
export interface GraphDrop {
  width: number;
  keep: number;
}

export interface StepGraph {
  bytes: Uint8Array;
  layers: GraphLayer[];
  drops: GraphDrop[];
  adam: boolean;
  /**
   * Every W and b (`w<k>`, `b<k>`, inputs of the graph in the trainer's layout), in order: its shape and its place in
   * the flat state (`offset`, `size` values).
   */
  variables: { name: string; dims: number[]; offset: number; size: number }[];
  /** Values in all the variables together. */
  size: number;
  /**
   * What the graph reads and writes back each step, each flat [size] and in `variables`' order: the weights
   * (`params`: the same values as the inputs w<k> and b<k>, which the caller feeds as views of it) and under Adam
   * their moments (`m`, `v`, scaled: momentScales), each an input and an output `<name>_next`.
   */
  state: { name: string; dims: number[] }[];
  /** Values per input row (the input flattened) and per target row. */
  inputWidth: number;
  targetWidth: number;
}

/**
 * The whole training step of a network as one ONNX graph (onnxruntime's inference ops only): the forward
 * pass (forward.ts: dense, conv and pooling layers) with dropout masks fed per step, the task loss, every penalty term of PENALTY_MATH (penalties.ts) with its
 * hand-written gradient, the backward pass (backward.ts), and the optimizer's update (SGD, or Adam as HostAdam does it). The
 * weights and Adam's moments, flat (StepGraph.state), are inputs and come back as outputs (`<name>_next`), with the loss parts (`parts`, in
 * LOSS_PARTS order). The ops are those of the tfjs step (a few passes fused: penaltyTerms), so that the two agree to
 * float32 rounding (test/trainer/ort.test.ts). Support: ortRefusal (support.ts).
 */
export function stepGraph(model: CheckedModel, targetWidth: number): StepGraph {
  const g = new GraphBuilder();
  const adam = model.train.optimizer === 'adam';
  const inputWidth = (model.input ?? []).reduce((a, b) => a * b, 1);
  const x = g.input('x', ['batch', inputWidth]);
  const y = model.task === 'autoencode' ? x : g.input('y', ['batch', targetWidth]);
  const scalar = (name: string) => g.input(name, []);

  const drops: GraphDrop[] = [];
  const drop = (width: number, keep: number) => {
    drops.push({ width, keep });
    return g.input(`mask${drops.length - 1}`, ['batch', width]);
  };
  const { output: h, saved, weighted } = forwardGraph(g, model, x, drop, true);
  const layers: GraphLayer[] = weighted.map((layer) => {
    const terms = PENALTY_TERM_NAMES.filter((t) => layer.reg[t] > 0);
    const shape = layer.weightShape!;
    const conv = shape.length === 4;
    return {
      layer,
      shape,
      rowAxes: conv ? [0, 1, 3] : [1],
      colAxes: conv ? [0, 1, 2] : [0],
      rowGroups: shape.at(-2)!,
      colGroups: shape.at(-1)!,
      terms,
      proximal: model.regularize.update === 'proximal' && terms.includes('dropneuron'),
    };
  });

  // The task loss and its gradient with respect to the network's output (step.ts lossVector, crossEntropy).
  let data: string;
  let grad: string;
  if (model.task === 'classify') {
    const logp = g.op('LogSoftmax', [h], [int('axis', 1)]);
    data = g.mul(g.sum(g.mul(y, logp)), scalar('neg_inv_n'));
    grad = g.mul(g.sub(g.op('Exp', [logp]), y), scalar('inv_n'));
  } else {
    const scale = scalar('mse_scale');
    const diff = g.sub(h, y);
    data = g.mul(g.sum(g.mul(diff, diff)), scale);
    grad = g.mul(scale, g.mul(diff, g.scalar(2)));
  }

  // Backward, layer by layer; each weight's gradient is its data part plus its penalty part.
  const grads = new Map<number, { w: string; b: string }>();
  const values: Record<PenaltyTerm, string[]> = { l1: [], l2: [], dropneuron: [] };
  // Steps before the first weighted layer need no gradient.
  const first = saved.findIndex((s) => s.kind === 'dense' || s.kind === 'conv');
  for (let i = saved.length - 1; i >= first; i--) {
    const step = saved[i]!;
    const penalty = step.kind === 'dense' || step.kind === 'conv' ? penaltyTerms(g, layers[step.k]!, step.k, values) : {};
    const back = backwardStep(g, step, grad, i > first, penalty.w);
    if (back.weights) {
      const { k, w: dw, b: db } = back.weights;
      grads.set(k, { w: dw, b: penalty.b ? g.add(db, penalty.b) : db });
    }
    if (back.grad) grad = back.grad;
  }

  const parts = [data, ...PENALTY_TERM_NAMES.map((t) => values[t].reduce((sum, v) => (sum ? g.add(sum, v) : v), '') || g.scalar(0))];
  g.output(
    'parts',
    g.op(
      'Concat',
      parts.map((p) => g.op('Reshape', [p, g.ints([1])])),
      [int('axis', 0)],
    ),
    [parts.length],
  );

  // The update runs once over every variable together, flat (one node per term instead of one per term and variable:
  // LeNet-300-100's step went from 194 nodes to 138): the gradients are concatenated, and the weights are read as
  // `params`, the same memory as the inputs w<k> and b<k> the forward pass reads (OrtStep feeds views of it).
  const variables: StepGraph['variables'] = [];
  let size = 0;
  layers.forEach((l, k) => {
    for (const [name, dims] of [
      [`w${k}`, l.shape],
      [`b${k}`, [l.colGroups]],
    ] as const) {
      const n = dims.reduce((a, b) => a * b, 1);
      variables.push({ name, dims: [...dims], offset: size, size: n });
      size += n;
    }
  });
  const flat = g.ints([-1]);
  const gradient = g.op(
    'Concat',
    layers.flatMap((_, k) => [grads.get(k)!.w, grads.get(k)!.b].map((d) => g.op('Reshape', [d, flat]))),
    [int('axis', 0)],
  );
  const params = g.input('params', [size]);
  const state: StepGraph['state'] = [{ name: 'params', dims: [size] }];
  const proximal = layers.some((l) => l.proximal);
  let next: string;
  /** Adam's √v̂ + ε after this step, flat: the proximal step's scale (none under SGD), where a layer takes that step. */
  let d: string | undefined;
  if (adam) {
    const [b1, b2, scale, eps] = ['adam_b1', 'adam_b2', 'adam_scale', 'adam_eps'].map(scalar) as [string, string, string, string];
    // The moments as kept (momentScales): m/(1 − β₁) and v/(1 − β₂), so that the gradient goes in unscaled.
    const m = g.input('m', [size]);
    const s = g.input('v', [size]);
    const m2 = g.add(g.mul(b1, m), gradient);
    const s2 = g.add(g.mul(b2, s), g.mul(gradient, gradient));
    // HostAdam's w − (η/c₁)·m / (√v/√c₂ + ε) with η/c₁ and the moments' scales divided out of the quotient (adamFeeds).
    next = g.sub(params, g.div(m2, g.add(g.mul(g.op('Sqrt', [s2]), scale), eps)));
    if (proximal) d = g.add(g.op('Sqrt', [g.mul(s2, scalar('prox_corr'))]), scalar('prox_eps'));
    g.output('m_next', m2, [size]);
    g.output('v_next', s2, [size]);
    state.push({ name: 'm', dims: [size] }, { name: 'v', dims: [size] });
  } else next = g.add(g.mul(scalar('neg_lr'), gradient), params);
  if (proximal) {
    // DropNeuron's proximal step on the Ws that take it: each variable's part of the update cut out, shrunk where it
    // is such a W, and the parts joined again.
    const part = (x: string, { offset, size: n }: StepGraph['variables'][number]) => g.op('Slice', [x, g.ints([offset]), g.ints([offset + n]), g.ints([0])]);
    next = g.op(
      'Concat',
      variables.map((v) => {
        const layer = v.name.startsWith('w') ? layers[Number(v.name.slice(1))]! : undefined;
        if (!layer?.proximal) return part(next, v);
        const shape = g.ints(v.dims);
        const shrunk = proximalShrink(g, g.op('Reshape', [part(next, v), shape]), d && g.op('Reshape', [part(d, v), shape]), v.name, layer);
        return g.op('Reshape', [shrunk, flat]);
      }),
      [int('axis', 0)],
    );
  }
  g.output('params_next', next, [size]);
  return { bytes: g.encode(`${model.name}_step`), layers, drops, adam, variables, size, state, inputWidth, targetWidth };
}

/**
 * DropNeuron's proximal step on the updated W `w<k>` (proximal.ts, hostShrink): each row group, then each column group,
 * scaled by max(0, 1 − τ / (‖w_g‖·d̄_g)), with d̄_g the mean over the group of Adam's scale `d` (√v̂ + ε; none under
 * SGD) and τ fed per step (`tau_rows_<k>`, `tau_cols_<k>`: η·a·c_g, 0 where the schedule turns DropNeuron off). A
 * zero group stays zero: its denominator is held above 0, so τ / it is huge (or 0 / it is 0), never NaN.
 */
function proximalShrink(g: GraphBuilder, w: string, d: string | undefined, name: string, l: GraphLayer): string {
  const k = name.slice(1);
  const tiny = g.scalar(1e-30);
  const one = g.scalar(1);
  const factor = (x: string, axes: number[], tau: string) => {
    const norm = g.op('Sqrt', [g.sum(g.mul(x, x), axes, true)]);
    // d̄ over the group: Σ d / the group's size.
    const scaled = d ? g.mul(norm, g.reduce('ReduceMean', d, axes, true)) : norm;
    return g.op('Relu', [g.sub(one, g.div(g.input(`${tau}_${k}`, []), g.op('Max', [scaled, tiny])))]);
  };
  const byRows = g.mul(w, factor(w, l.rowAxes, 'tau_rows'));
  return g.mul(byRows, factor(byRows, l.colAxes, 'tau_cols'));
}

/**
 * One layer's penalty terms (PENALTY_MATH in penalties.ts, written as graph ops): each term's value goes to `values`,
 * and the gradient on W and b comes back as penalties.ts combines it, W ⊙ Σ factors + Σ added terms. Passes over W
 * are saved where it measured faster (Σ|w| as ReduceL1; the strengths multiply the [in, 1] and [1, out] group factors
 * before they broadcast): the same formulas, rounded differently only within float32.
 */
function penaltyTerms(g: GraphBuilder, l: GraphLayer, k: number, values: Record<PenaltyTerm, string[]>): { w?: string; b?: string } {
  if (!l.terms.length) return {};
  const at = (name: string) => g.input(`${name}_${k}`, []);
  const w = `w${k}`;
  const b = `b${k}`;
  const has = (t: PenaltyTerm) => l.terms.includes(t);
  // W², once for l2 and the group norms (ReduceSumSquare measured 2.5× slower than Mul + ReduceSum on a 784×300 W).
  const sq = has('dropneuron') || has('l2') ? g.mul(w, w) : undefined;
  // Per group: Σ of the row's (rows: [in, 1]; conv [1, 1, in, 1]) and the column's (cols: [1, out]; conv [1, 1, 1, out]) squares.
  const rowSq = has('dropneuron') ? g.sum(sq!, l.rowAxes, true) : undefined;
  const colSq = has('dropneuron') ? g.sum(sq!, l.colAxes, true) : undefined;
  /** The factor of W that broadcasts from a row part [in, 1] and a column part [1, out]. */
  let rowPart: string | undefined;
  let colPart: string | undefined;
  let bFactor: string | undefined;
  const wPlus: string[] = [];
  const bPlus: string[] = [];
  if (has('l1')) {
    const a = at('a_l1');
    values.l1.push(g.mul(g.add(g.reduce('ReduceL1', w), g.reduce('ReduceL1', b)), a));
    // a · d|x|/dx, with the slope as tfjs' Abs gradient takes it (−1 at 0: penalties.ts absSlope), in one pass: ±a.
    const minus = g.op('Neg', [a]);
    const slope = (t: string) => g.op('Where', [g.op('Greater', [t, g.scalar(0)]), a, minus]);
    wPlus.push(slope(w));
    bPlus.push(slope(b));
  }
  if (has('dropneuron')) {
    const eps = g.scalar(NORM_EPSILON);
    const rows = g.op('Sqrt', [g.add(rowSq!, eps)]);
    const cols = g.op('Sqrt', [g.add(colSq!, eps)]);
    values.dropneuron.push(g.mul(g.sub(g.add(g.mul(g.sum(rows), at('g_rows')), g.mul(g.sum(cols), at('g_cols'))), at('dn_const')), at('a_dn')));
    // a·(r/‖row‖ ⊕ c/‖column‖), with a·r and a·c fed as scalars; under `update proximal` the value only (proximalShrink).
    if (!l.proximal) {
      rowPart = g.div(at('a_dn_rows'), rows);
      colPart = g.div(at('a_dn_cols'), cols);
    }
  }
  if (has('l2')) {
    const a = at('a_l2');
    values.l2.push(g.mul(g.add(g.sum(sq!), g.sum(g.mul(b, b))), at('a_l2_half')));
    rowPart = rowPart ? g.add(rowPart, a) : a;
    bFactor = a;
  }
  const wFactor = rowPart && colPart ? g.add(rowPart, colPart) : rowPart;
  const combine = (x: string, factor: string | undefined, plus: string[]): string | undefined => {
    let d = factor ? g.mul(x, factor) : undefined;
    for (const p of plus) d = d ? g.add(d, p) : p;
    return d;
  };
  const dw = combine(w, wFactor, wPlus);
  const db = combine(b, bFactor, bPlus);
  return { ...(dw ? { w: dw } : {}), ...(db ? { b: db } : {}) };
}

/**
 * The per-step scalars of layer `k`'s penalty terms (`<name>_<k>` in the graph): each strength as penalties.ts computes
 * it (the layer's × the schedule's `scale` × the seed's 0.1; 0 turns a term off for the step), the groups' weights and
 * DropNeuron's value offset (Σ of the groups' √ε, weighed).
 */
export function termFeeds(l: GraphLayer, k: number, scale: PenaltyWeights, groups: GroupWeights, learningRate: number): Record<string, number> {
  const feeds: Record<string, number> = {};
  const strength = (t: PenaltyTerm) => l.layer.reg[t] * scale[t] * SEED_SCALE;
  for (const t of l.terms) {
    const a = strength(t);
    if (t === 'l1') feeds[`a_l1_${k}`] = a;
    if (t === 'l2') Object.assign(feeds, { [`a_l2_${k}`]: a, [`a_l2_half_${k}`]: a * 0.5 });
    if (t === 'dropneuron')
      Object.assign(feeds, {
        [`a_dn_${k}`]: a,
        [`a_dn_rows_${k}`]: a * groups.rows,
        [`a_dn_cols_${k}`]: a * groups.cols,
        [`g_rows_${k}`]: groups.rows,
        [`g_cols_${k}`]: groups.cols,
        [`dn_const_${k}`]: Math.sqrt(NORM_EPSILON) * (groups.rows * l.rowGroups + groups.cols * l.colGroups),
        // The proximal step's thresholds (proximal.ts): the rate the step just took × a × the groups' weights.
        ...(l.proximal ? { [`tau_rows_${k}`]: learningRate * a * groups.rows, [`tau_cols_${k}`]: learningRate * a * groups.cols } : {}),
      });
  }
  return feeds;
}

/** What HostAdam's getConfig gives (optimizer.ts): the step's constants. */
export interface AdamConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * What the step graph's Adam moments are HostAdam's times: the graph keeps m/(1 − β₁) and v/(1 − β₂), whose updates
 * β·m + g and β·v + g² take two passes over the weights fewer than HostAdam's β·m + (1 − β)·g and β·v + (1 − β)·g².
 */
export function momentScales({ beta1, beta2 }: Pick<AdamConfig, 'beta1' | 'beta2'>): { m: number; v: number } {
  return { m: 1 - beta1, v: 1 - beta2 };
}

/**
 * The per-step scalars of the graph's Adam for step `t` (1-based): HostAdam's update w − (η/c₁)·m / (√v·(1/√c₂) + ε),
 * c = 1 − βᵗ, on the graph's moments m' = m/(1 − β₁), v' = v/(1 − β₂) (momentScales), written as
 * w − m' / (√v'·s + e) with s = (√(1 − β₂)/√c₂)/(η(1 − β₁)/c₁) and e = ε/(η(1 − β₁)/c₁).
 */
export function adamFeeds(config: AdamConfig, t: number): Record<string, number> {
  const { learningRate, beta1, beta2, epsilon } = config;
  const scales = momentScales(config);
  const rate = (learningRate * scales.m) / (1 - beta1 ** t);
  const root = Math.sqrt(scales.v / (1 - beta2 ** t));
  return {
    adam_b1: beta1,
    adam_b2: beta2,
    adam_scale: root / rate,
    adam_eps: epsilon / rate,
    // The proximal step's scale √v̂ + ε after this step (HostAdam.preconditionerValues), where the graph takes one.
    prox_corr: scales.v / (1 - beta2 ** t),
    prox_eps: epsilon,
  };
}
