import { FusedProgram } from './program.ts';

/**
 * Adam's two moments of one variable in one pass, packed as [m; v] (2n values) so that one output holds both:
 *   m' = β₁·m + (1 − β₁)·g,   v' = β₂·v + (1 − β₂)·g·g
 * Inputs G (the gradient, n) and S (the moments, [m; v]); uniforms β₁, 1 − β₁, β₂, 1 − β₂ and n.
 */
export class AdamMomentsProgram extends FusedProgram {
  constructor(n: number) {
    super([2 * n], ['G', 'S'], 'dnn_adam_moments', 'beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32, n : i32,');
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let n = uniforms.n;
          if (index < n) {
            result[index] = uniforms.beta1 * S[index] + uniforms.oneMinusBeta1 * G[index];
          } else {
            let g = G[index - n];
            result[index] = uniforms.beta2 * S[index] + uniforms.oneMinusBeta2 * g * g;
          }
        }
      }`;
  }
}
