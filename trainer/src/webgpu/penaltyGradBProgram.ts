import { FusedProgram } from './program.ts';

/**
 * dPenalty/db of one layer (DropNeuron leaves the bias alone): db = b·s₂ + slope(b)·s₁, s_t = dy_t·a_t as in
 * PenaltyGradWProgram. Inputs B, DY; uniforms a₁, a₂.
 */
export class PenaltyGradBProgram extends FusedProgram {
  constructor(n: number) {
    super([n], ['B', 'DY'], 'dnn_penalty_grad_b', 'a1 : f32, a2 : f32,');
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let b = B[index];
          result[index] = b * (DY[1] * uniforms.a2) + select(-1.0, 1.0, b > 0.0) * (DY[0] * uniforms.a1);
        }
      }`;
  }
}
