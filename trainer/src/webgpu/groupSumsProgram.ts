import { COMPENSATED_SUM } from './compensatedSum.ts';
import { FusedProgram } from './program.ts';

/**
 * One pass over a layer's weight tensor for its penalties: per row group (an input neuron, or a conv kernel's
 * input channel) Σw² and Σ|w|, per column group (an output neuron or channel) Σw². Output [rows + cols, 2]:
 * (Σw², Σ|w|) for each row, then (Σw², 0) for each column; one invocation per group. The tensor is W [in, out]
 * or [kh, kw, in, out], read as [outer, rows, cols] with outer = kh·kw (1 for a dense layer). Uniforms outer,
 * rows, cols. Sums are compensated (compensatedSum.ts).
 */
export class GroupSumsProgram extends FusedProgram {
  constructor(rows: number, cols: number) {
    super([rows + cols, 2], ['W'], 'dnn_group_sums', 'outer : i32, rows : i32, cols : i32,', rows + cols);
  }

  getUserCode(): string {
    return `
      ${COMPENSATED_SUM}

      fn main(index : i32) {
        let rows = uniforms.rows;
        let cols = uniforms.cols;
        if (index < rows) {
          var sq = vec2<f32>(0.0);
          var ab = vec2<f32>(0.0);
          for (var k = 0; k < uniforms.outer; k++) {
            let base = (k * rows + index) * cols;
            for (var o = 0; o < cols; o++) {
              let w = W[base + o];
              sq = addTo(sq, w * w);
              ab = addTo(ab, abs(w));
            }
          }
          result[2 * index] = sq.x + sq.y;
          result[2 * index + 1] = ab.x + ab.y;
        } else if (index < rows + cols) {
          let o = index - rows;
          var sq = vec2<f32>(0.0);
          let count = uniforms.outer * rows;
          for (var p = 0; p < count; p++) {
            let w = W[p * cols + o];
            sq = addTo(sq, w * w);
          }
          result[2 * index] = sq.x + sq.y;
          result[2 * index + 1] = 0.0;
        }
      }`;
  }
}
