import * as tf from '@tensorflow/tfjs-core';
import { Scratch, tensorFromScratch, valuesOf } from './hostMemory.ts';
import { OwnAdam, type NamedTensor } from './ownAdam.ts';

/**
 * Adam as one loop over host memory, for the backends whose tensors live there (wasm, cpu). tfjs' Adam runs
 * fourteen kernels per variable per step, each a pass over the variable and a fresh tensor (measured: 41 % of a
 * LeNet-300-100 step on wasm, more than the penalties); this reads each gradient where the backend keeps it,
 * updates both moments and the weight in one pass, and uploads the weight once. Same update as tfjs'
 * AdamOptimizer (bias correction by 1 − β^t, ε outside the square root) and the same state under the same names
 * (`iter`, `<variable>/m`, `<variable>/v`), so checkpoints of either resume with either.
 */
export class HostAdam extends OwnAdam {
  private names: string[] = [];
  private shapes: number[][] = [];
  private m: Float32Array[] = [];
  private v: Float32Array[] = [];
  private readonly scratch = new Scratch();
  private readonly preconditionerScratch = new Scratch();

  constructor(
    /** Read on every step: the schedule sets it per epoch (schedule.ts). */
    public learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    super();
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const correction = this.correction();
    list.forEach(({ name, tensor }, i) => {
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`expected a variable named ${name} for its gradient, found none`);
      this.update(i, variable, valuesOf(tensor), correction);
    });
    this.incrementIterations();
  }

  /** One step from gradients laid out one variable after the other, in `variables` order (the data-parallel pool's sum). */
  applyFlat(variables: readonly tf.Variable[], grads: Float32Array): void {
    const correction = this.correction();
    let at = 0;
    variables.forEach((variable, i) => {
      this.update(i, variable, grads.subarray(at, at + variable.size), correction);
      at += variable.size;
    });
    this.incrementIterations();
  }

  /** 1 − β₁^t and 1 − β₂^t for the step about to be taken. */
  private correction(): { c1: number; c2: number } {
    const t = this.iterations + 1;
    return { c1: 1 - this.beta1 ** t, c2: 1 - this.beta2 ** t };
  }

  private update(i: number, variable: tf.Variable, g: Float32Array, { c1, c2 }: { c1: number; c2: number }): void {
    const n = variable.size;
    if (this.m[i]?.length !== n) {
      this.names[i] = variable.name;
      this.shapes[i] = variable.shape;
      this.m[i] = new Float32Array(n);
      this.v[i] = new Float32Array(n);
    }
    const m = this.m[i]!;
    const v = this.v[i]!;
    const out = this.scratch.take(n);
    // A view of the backend's memory: valid until the next kernel runs, and none runs inside the loop. Never
    // written through: wasm caches a matMul's packed weights and a conv's packed filter by the tensor's id, so an
    // update must be a new tensor, not new values under the old id.
    const w = valuesOf(variable);
    const { beta1, beta2, epsilon } = this;
    const rate = this.learningRate / c1;
    const root = 1 / Math.sqrt(c2);
    for (let j = 0; j < n; j++) {
      const gj = g[j]!;
      const mj = beta1 * m[j]! + (1 - beta1) * gj;
      const vj = beta2 * v[j]! + (1 - beta2) * gj * gj;
      m[j] = mj;
      v[j] = vj;
      out[j] = w[j]! - (rate * mj) / (Math.sqrt(vj) * root + epsilon);
    }
    const next = tensorFromScratch(out, variable.shape);
    variable.assign(next);
    next.dispose();
  }

  /**
   * The step's per-weight scale of the variable at `index` (network.variables order), √v̂ + ε with v̂ the bias-corrected
   * second moment after the last step: Adam moves weight j by lr·m̂ⱼ/(√v̂ⱼ + ε). Undefined before its first step. A
   * scratch buffer, valid until the next call.
   */
  preconditionerValues(index: number): Float32Array | undefined {
    const v = this.v[index];
    if (!v || this.iterations === 0) return undefined;
    const correction = 1 / (1 - this.beta2 ** this.iterations);
    const out = this.preconditionerScratch.take(v.length);
    for (let j = 0; j < v.length; j++) out[j] = Math.sqrt(v[j]! * correction) + this.epsilon;
    return out;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    // Fresh tensors: the caller reads and disposes them (checkpoint.ts).
    const moments = (suffix: string, values: Float32Array[]) =>
      values.map((x, i) => ({ name: `${this.names[i]}/${suffix}`, tensor: tf.tensor(x, this.shapes[i]) }));
    return [await this.saveIterations(), ...moments('m', this.m), ...moments('v', this.v)];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const count = rest.length / 2;
    const copy = (w: NamedTensor) => Float32Array.from(w.tensor.dataSync() as Float32Array);
    this.names = rest.slice(0, count).map((w) => w.name.replace(/\/m$/, ''));
    this.shapes = rest.slice(0, count).map((w) => w.tensor.shape);
    this.m = rest.slice(0, count).map(copy);
    this.v = rest.slice(count).map(copy);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  override dispose(): void {
    this.m = [];
    this.v = [];
  }
}
