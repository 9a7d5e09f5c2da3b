import { FusedProgram } from './program.ts';

/**
 * dPenalty/dW of one layer in one pass, as penalties.ts' PENALTY_MATH writes it:
 *   dW = W ⊙ (s₂ + (r/‖row‖ + c/‖column‖)·s_d) + slope(W)·s₁,   s_t = dy_t·a_t,  slope(w) = 1 if w > 0 else −1
 * (slope: tfjs' Abs gradient, −1 at 0), with ‖·‖ = √(Σw² + ε) from GroupSumsProgram's N. A term that is off (or
 * DropNeuron under `update proximal`) has a_t = 0. Inputs W, N, DY (the upstream [l1, l2, dropneuron]); uniforms
 * a₁, a₂, a_d, r, c, ε, rows, cols.
 */
export class PenaltyGradWProgram extends FusedProgram {
  constructor(shape: number[]) {
    super(shape, ['W', 'N', 'DY'], 'dnn_penalty_grad_w', 'a1 : f32, a2 : f32, ad : f32, r : f32, c : f32, epsilon : f32, rows : i32, cols : i32,');
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let cols = uniforms.cols;
          let rows = uniforms.rows;
          let o = index % cols;
          let i = (index / cols) % rows;
          let w = W[index];
          let rowNorm = sqrt(N[2 * i] + uniforms.epsilon);
          let colNorm = sqrt(N[2 * (rows + o)] + uniforms.epsilon);
          let s1 = DY[0] * uniforms.a1;
          let s2 = DY[1] * uniforms.a2;
          let sd = DY[2] * uniforms.ad;
          let factor = s2 + (uniforms.r / rowNorm + uniforms.c / colNorm) * sd;
          result[index] = w * factor + select(-1.0, 1.0, w > 0.0) * s1;
        }
      }`;
  }
}
