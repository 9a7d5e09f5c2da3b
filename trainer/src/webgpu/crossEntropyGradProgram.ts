import { FusedProgram } from './program.ts';
import { ROW_LOG_SUM_EXP } from './rowLogSumExp.ts';

/**
 * The gradient of CrossEntropyProgram's loss by the logits, as step.ts' crossEntropy writes it:
 *   (exp(logp) − y)·(dy / divisor)
 * with logp recomputed from the value's row (its max and log Σ exp). Inputs Z, Y, DY (the upstream scalar);
 * uniforms divisor, k. Output [n, k].
 */
export class CrossEntropyGradProgram extends FusedProgram {
  constructor(shape: number[]) {
    super(shape, ['Z', 'Y', 'DY'], 'dnn_cross_entropy_grad', 'divisor : f32, k : i32,');
  }

  getUserCode(): string {
    return `
      ${ROW_LOG_SUM_EXP}

      fn main(index : i32) {
        if (index < uniforms.size) {
          let k = uniforms.k;
          let norm = rowLogSumExp((index / k) * k, k);
          let logp = (Z[index] - norm.x) - norm.y;
          result[index] = (exp(logp) - f32(Y[index])) * (DY[0] / uniforms.divisor);
        }
      }`;
  }
}
