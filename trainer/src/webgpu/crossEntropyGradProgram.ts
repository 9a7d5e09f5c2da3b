import { FusedProgram } from './program.ts';

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
      fn main(index : i32) {
        if (index < uniforms.size) {
          let k = uniforms.k;
          let base = (index / k) * k;
          var top = Z[base];
          for (var j = 1; j < k; j++) {
            top = max(top, Z[base + j]);
          }
          var total = 0.0;
          for (var j = 0; j < k; j++) {
            total = total + exp(Z[base + j] - top);
          }
          let logp = (Z[index] - top) - log(total);
          result[index] = (exp(logp) - f32(Y[index])) * (DY[0] / uniforms.divisor);
        }
      }`;
  }
}
