import * as tf from '@tensorflow/tfjs-core';
import { OwnAdam, type NamedTensor } from '../ownAdam.ts';
import { AdamMomentsProgram } from './adamMomentsProgram.ts';
import { AdamWeightProgram } from './adamWeightProgram.ts';
import { disposeFold, foldedGradient, takeFold, type FoldingOptimizer } from './penaltyFold.ts';
import { f32, i32, runProgram } from './program.ts';
import { SgdProgram } from './sgdProgram.ts';

function listOf(variableGradients: tf.NamedTensorMap | NamedTensor[]): NamedTensor[] {
  return Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
}

function variableNamed(name: string): tf.Variable {
  const variable = tf.engine().registeredVariables[name];
  if (!variable) throw new Error(`expected a variable named ${name} for its gradient, found none`);
  return variable;
}

/**
 * Adam on the webgpu backend in two dispatches per variable (tfjs' Adam runs fourteen): its moments in one
 * (AdamMomentsProgram, both packed in one tensor), its weight in the other (AdamWeightProgram). The update is
 * HostAdam's (bias corrections 1 − β^t from the step count, ε outside the square root), and so is the state as
 * getWeights and setWeights see it (`iter`, `<variable>/m`, `<variable>/v`): a checkpoint of either resumes with
 * either, and with tfjs' Adam. Where the step folded a layer's penalty gradient into the update (penaltyFold.ts),
 * the moments' program adds it to the data gradient.
 */
export class FusedAdam extends OwnAdam implements FoldingOptimizer {
  readonly foldsPenalties = true;

  private names: string[] = [];
  private shapes: number[][] = [];
  /** Per variable (in the order of the gradients), its moments [m; v] as one kept tensor of 2n values. */
  private moments: tf.Tensor[] = [];

  constructor(
    /** Read on every step: the schedule sets it per epoch (schedule.ts). */
    public learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    super();
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const t = this.iterations + 1;
    const c1 = 1 - this.beta1 ** t;
    const c2 = 1 - this.beta2 ** t;
    const weight = [f32(this.learningRate / c1), f32(1 / Math.sqrt(c2)), f32(this.epsilon)];
    const moment = [f32(this.beta1), f32(1 - this.beta1), f32(this.beta2), f32(1 - this.beta2)];
    listOf(variableGradients).forEach(({ name, tensor }, i) => {
      const variable = variableNamed(name);
      const n = variable.size;
      if (this.moments[i]?.size !== 2 * n) {
        this.moments[i]?.dispose();
        this.names[i] = variable.name;
        this.shapes[i] = variable.shape;
        this.moments[i] = tf.keep(tf.zeros([2 * n]));
      }
      const old = this.moments[i]!;
      const fold = takeFold(name);
      const g = foldedGradient(fold, variable, false);
      const next = tf.keep(runProgram(new AdamMomentsProgram(n, g), [tensor, old, ...g.inputs], [...moment, i32(n), ...g.values]));
      if (fold) disposeFold(fold);
      const w = runProgram(new AdamWeightProgram(variable.shape), [variable, next], [...weight, i32(n)]);
      variable.assign(w);
      w.dispose();
      old.dispose();
      this.moments[i] = next;
    });
    this.incrementIterations();
  }

  /** The packed moments [m; v] of the variable at `index` (in the order of the gradients), for the fused proximal step (shrink.ts). */
  momentsOf(index: number): tf.Tensor | undefined {
    return this.moments[index];
  }

  /**
   * The second moments as proximal.ts reads tfjs' Adam's (`accumulatedSecondMoment[i].variable`): each a slice of
   * the packed moments, made only when read (proximal.ts reads it inside a tidy, which disposes it).
   */
  get accumulatedSecondMoment(): { readonly variable: tf.Tensor }[] {
    const shapes = this.shapes;
    return this.moments.map((s, i) => ({
      get variable(): tf.Tensor {
        return tf.reshape(tf.slice(s, s.size / 2, s.size / 2), shapes[i]!);
      },
    }));
  }

  override async getWeights(): Promise<NamedTensor[]> {
    // Fresh tensors: the caller reads and disposes them (checkpoint.ts).
    const half = (s: tf.Tensor, at: number, shape: number[]) => tf.tidy(() => tf.reshape(tf.slice(s, at, s.size / 2), shape));
    const m = this.moments.map((s, i) => ({ name: `${this.names[i]}/m`, tensor: half(s, 0, this.shapes[i]!) }));
    const v = this.moments.map((s, i) => ({ name: `${this.names[i]}/v`, tensor: half(s, s.size / 2, this.shapes[i]!) }));
    return [await this.saveIterations(), ...m, ...v];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const count = rest.length / 2;
    tf.dispose(this.moments);
    this.names = rest.slice(0, count).map((w) => w.name.replace(/\/m$/, ''));
    this.shapes = rest.slice(0, count).map((w) => w.tensor.shape);
    this.moments = rest
      .slice(0, count)
      .map((m, i) => tf.keep(tf.tidy(() => tf.concat([tf.reshape(m.tensor, [-1]), tf.reshape(rest[count + i]!.tensor, [-1])]))));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  override dispose(): void {
    tf.dispose(this.moments);
    this.moments = [];
  }
}

/**
 * SGD on the webgpu backend in one dispatch per variable (tfjs' SGD runs two): tfjs' SGDOptimizer, its state
 * and learning rate (`setLearningRate`), with the update w' = −η·g + w written as one program (with the layer's
 * penalty gradient where the step folded it here: penaltyFold.ts).
 */
export class FusedSgd extends tf.SGDOptimizer implements FoldingOptimizer {
  readonly foldsPenalties = true;

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const c = f32(-this.learningRate);
    for (const { name, tensor } of listOf(variableGradients)) {
      const variable = variableNamed(name);
      const fold = takeFold(name);
      const g = foldedGradient(fold, variable, true);
      const w = runProgram(new SgdProgram(variable.shape, g), [variable, tensor, ...g.inputs], [c, ...g.values]);
      if (fold) disposeFold(fold);
      variable.assign(w);
      w.dispose();
    }
    this.incrementIterations();
  }
}
