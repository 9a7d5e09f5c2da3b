import { FusedProgram } from './program.ts';

/**
 * Adam's step of one variable from its new moments S = [m'; v'] (AdamMomentsProgram), as HostAdam takes it:
 *   w' = w − (rate·m') / (√v'·root + ε),   rate = η / (1 − β₁ᵗ),  root = 1 / √(1 − β₂ᵗ)
 * (the bias corrections computed on the host per step). Inputs W and S; uniforms rate, root, ε and n.
 */
export class AdamWeightProgram extends FusedProgram {
  constructor(shape: number[]) {
    super(shape, ['W', 'S'], 'dnn_adam_weight', 'rate : f32, root : f32, epsilon : f32, n : i32,');
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let m = S[index];
          let v = S[index + uniforms.n];
          result[index] = W[index] - (uniforms.rate * m) / (sqrt(v) * uniforms.root + uniforms.epsilon);
        }
      }`;
  }
}
