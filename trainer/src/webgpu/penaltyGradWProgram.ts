import { PENALTY_GRADIENT, WEIGHT_PENALTY_UNIFORMS } from './penaltyGradient.ts';
import { FusedProgram } from './program.ts';

/**
 * dPenalty/dW of one layer in one pass (penaltyGradient.ts has the formula). Inputs W, N (GroupSumsProgram's), DY
 * (the upstream [l1, l2, dropneuron]); uniforms a₁, a₂, a_d, r, c, ε, rows, cols.
 */
export class PenaltyGradWProgram extends FusedProgram {
  constructor(shape: number[]) {
    super(shape, ['W', 'N', 'DY'], 'dnn_penalty_grad_w', WEIGHT_PENALTY_UNIFORMS);
  }

  getUserCode(): string {
    return `
      ${PENALTY_GRADIENT}

      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = weightPenaltyGradient(index, W[index], DY[0] * uniforms.a1, DY[1] * uniforms.a2, DY[2] * uniforms.ad);
        }
      }`;
  }
}
