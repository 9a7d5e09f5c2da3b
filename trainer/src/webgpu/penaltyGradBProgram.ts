import { BIAS_PENALTY_GRADIENT, BIAS_PENALTY_UNIFORMS } from './penaltyGradient.ts';
import { FusedProgram } from './program.ts';

/** dPenalty/db of one layer (DropNeuron leaves the bias alone; penaltyGradient.ts). Inputs B, DY; uniforms a₁, a₂. */
export class PenaltyGradBProgram extends FusedProgram {
  constructor(n: number) {
    super([n], ['B', 'DY'], 'dnn_penalty_grad_b', BIAS_PENALTY_UNIFORMS);
  }

  getUserCode(): string {
    return `
      ${BIAS_PENALTY_GRADIENT}

      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = biasPenaltyGradient(B[index], DY[0] * uniforms.a1, DY[1] * uniforms.a2);
        }
      }`;
  }
}
