import { COMPENSATED_SUM } from './compensatedSum.ts';
import { FusedProgram } from './program.ts';

/** Invocations of the one workgroup that sums a layer's groups. */
const WORKGROUP = 64;

/**
 * A layer's penalty values from its group sums (GroupSumsProgram's N) and its bias B, as penalties.ts'
 * PENALTY_MATH computes them; output [l1, l2, dropneuron]:
 *   l1 = a₁·(Σ|W| + Σ|b|),   l2 = (a₂/2)·(ΣW² + Σb²),
 *   dropneuron = a_d·((r·Σ_rows √(Σw² + ε) + c·Σ_cols √(Σw² + ε)) − offset),  offset = √ε·(r·rows + c·cols)
 * One workgroup: each invocation sums a strided share of the groups, then the first adds the shares from
 * workgroup memory; every sum is compensated (compensatedSum.ts). Uniforms a₁, a₂/2, a_d, r, c, ε, offset, rows, cols.
 */
export class PenaltyValuesProgram extends FusedProgram {
  constructor() {
    super(
      [3],
      ['N', 'B'],
      'dnn_penalty_values',
      'a1 : f32, halfA2 : f32, ad : f32, r : f32, c : f32, epsilon : f32, offset : f32, rows : i32, cols : i32,',
      WORKGROUP,
      WORKGROUP,
    );
  }

  getUserCode(): string {
    // Six sums, each compensated (compensatedSum.ts): Σ row norms, Σ column norms, ΣW², Σ|W|, Σ|b|, Σb².
    return `
      ${COMPENSATED_SUM}

      var<workgroup> shares : array<array<vec2<f32>, 6>, ${WORKGROUP}>;

      fn main(index : i32) {
        let at = i32(localId.x);
        let rows = uniforms.rows;
        let groups = rows + uniforms.cols;
        var s : array<vec2<f32>, 6>;
        for (var q = 0; q < 6; q++) {
          s[q] = vec2<f32>(0.0);
        }
        for (var g = at; g < groups; g += ${WORKGROUP}) {
          let norm = sqrt(N[2 * g] + uniforms.epsilon);
          if (g < rows) {
            s[0] = addTo(s[0], norm);
            s[2] = addTo(s[2], N[2 * g]);
            s[3] = addTo(s[3], N[2 * g + 1]);
          } else {
            s[1] = addTo(s[1], norm);
          }
        }
        for (var j = at; j < uniforms.cols; j += ${WORKGROUP}) {
          let b = B[j];
          s[4] = addTo(s[4], abs(b));
          s[5] = addTo(s[5], b * b);
        }
        shares[at] = s;
        workgroupBarrier();
        if (at == 0) {
          var t : array<f32, 6>;
          for (var q = 0; q < 6; q++) {
            var total = vec2<f32>(0.0);
            for (var k = 0; k < ${WORKGROUP}; k++) {
              total = addTo(total, shares[k][q].x);
              total = addTo(total, shares[k][q].y);
            }
            t[q] = total.x + total.y;
          }
          result[0] = (t[3] + t[4]) * uniforms.a1;
          result[1] = (t[2] + t[5]) * uniforms.halfA2;
          result[2] = ((t[0] * uniforms.r + t[1] * uniforms.c) - uniforms.offset) * uniforms.ad;
        }
      }`;
  }
}
