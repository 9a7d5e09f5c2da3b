import type { FoldedGradient } from './penaltyFold.ts';
import { FusedProgram } from './program.ts';

/**
 * SGD's step of one variable, as tfjs' SGDOptimizer takes it: w' = c·g + w with c = −η, g the gradient G, or G plus
 * the layer's penalty gradient where the step folded it here (penaltyFold.ts). Inputs W, G and the fold's; uniform
 * c and the fold's.
 */
export class SgdProgram extends FusedProgram {
  constructor(
    shape: number[],
    private readonly fold: FoldedGradient,
  ) {
    super(shape, ['W', 'G', ...fold.names], `dnn_sgd_${fold.key}`, `minusRate : f32, ${fold.uniforms}`);
  }

  getUserCode(): string {
    return `
      ${this.fold.code}

      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = uniforms.minusRate * ${this.fold.gradient('index')} + W[index];
        }
      }`;
  }
}
