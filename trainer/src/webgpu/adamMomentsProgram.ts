import type { FoldedGradient } from './penaltyFold.ts';
import { FusedProgram } from './program.ts';

/**
 * Adam's two moments of one variable in one pass, packed as [m; v] (2n values) so that one output holds both:
 *   m' = β₁·m + (1 − β₁)·g,   v' = β₂·v + (1 − β₂)·g·g
 * with g the gradient G, or G plus the layer's penalty gradient where the step folded it here (penaltyFold.ts).
 * Inputs G (n), S (the moments, [m; v]) and the fold's; uniforms β₁, 1 − β₁, β₂, 1 − β₂, n and the fold's. One
 * invocation per weight.
 */
export class AdamMomentsProgram extends FusedProgram {
  constructor(
    n: number,
    private readonly fold: FoldedGradient,
  ) {
    super(
      [2 * n],
      ['G', 'S', ...fold.names],
      `dnn_adam_moments_${fold.key}`,
      `beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32, n : i32, ${fold.uniforms}`,
      n,
    );
  }

  getUserCode(): string {
    return `
      ${this.fold.code}

      fn main(index : i32) {
        let n = uniforms.n;
        if (index < n) {
          let g = ${this.fold.gradient('index')};
          result[index] = uniforms.beta1 * S[index] + uniforms.oneMinusBeta1 * g;
          result[index + n] = uniforms.beta2 * S[index + n] + uniforms.oneMinusBeta2 * g * g;
        }
      }`;
  }
}
