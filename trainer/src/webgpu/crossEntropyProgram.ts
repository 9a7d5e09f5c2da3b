import { FusedProgram } from './program.ts';
import { ROW_LOG_SUM_EXP } from './rowLogSumExp.ts';

/** Invocations of the one workgroup that sums the rows. */
const WORKGROUP = 64;

/**
 * Softmax cross-entropy of a batch in one dispatch, as step.ts' crossEntropy computes it:
 *   −(1/divisor)·Σ_rows Σ_j y_j·logp_j,   logp = (z − max z) − log Σ exp(z − max z)   (tfjs' logSoftmax)
 * One workgroup: each invocation takes every 64th row, then the shares are added in workgroup memory.
 * Inputs Z (logits [n, k]) and Y (targets, one-hot [n, k], float32 or int32); uniforms −1/divisor, n, k. Output [1].
 */
export class CrossEntropyProgram extends FusedProgram {
  constructor() {
    super([1], ['Z', 'Y'], 'dnn_cross_entropy', 'scale : f32, n : i32, k : i32,', WORKGROUP, WORKGROUP);
  }

  getUserCode(): string {
    return `
      var<workgroup> shares : array<f32, ${WORKGROUP}>;
      ${ROW_LOG_SUM_EXP}

      fn main(index : i32) {
        let at = i32(localId.x);
        let k = uniforms.k;
        var sum = 0.0;
        for (var row = at; row < uniforms.n; row += ${WORKGROUP}) {
          let base = row * k;
          let norm = rowLogSumExp(base, k);
          for (var j = 0; j < k; j++) {
            sum = sum + f32(Y[base + j]) * ((Z[base + j] - norm.x) - norm.y);
          }
        }
        shares[at] = sum;
        workgroupBarrier();
        for (var span = ${WORKGROUP / 2}; span > 0; span = span / 2) {
          if (at < span) {
            shares[at] = shares[at] + shares[at + span];
          }
          workgroupBarrier();
        }
        if (at == 0) {
          result[0] = shares[0] * uniforms.scale;
        }
      }`;
  }
}
