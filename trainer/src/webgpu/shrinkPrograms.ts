import { COMPENSATED_SUM } from './compensatedSum.ts';
import { FusedProgram } from './program.ts';

/**
 * DropNeuron's proximal step (proximal.ts' shrink, rows then columns) in three dispatches per layer: the rows'
 * factors, the columns' factors (over the rows' result), and the product. A group's factor is
 *   max(0, 1 − τ / (‖w_g‖ · mean_g d)),   d = √(v / (1 − β₂ᵗ)) + ε
 * with d Adam's per-weight scale of its last step, read from FusedAdam's packed moments S = [m; v] (v at n + j);
 * without Adam (`plain`: SGD) d = 1. W is read as [outer, rows, cols] (penaltyGradient.ts). Sums are compensated
 * (compensatedSum.ts). Uniforms: outer, rows, cols, n, τ, 1 − β₂ᵗ, ε.
 */
const UNIFORMS = 'outer : i32, rows : i32, cols : i32, n : i32, tau : f32, correction : f32, epsilon : f32,';

/** d at flat index j: Adam's scale, or 1 (the key says which; the shader reads S only in the first case). */
const scale = (adam: boolean): string => `
  fn scaleAt(j : i32) -> f32 {
    ${adam ? 'return sqrt(S[uniforms.n + j] / uniforms.correction) + uniforms.epsilon;' : 'return 1.0;'}
  }
  fn factorOf(sq : f32, ds : f32, count : i32) -> f32 {
    let scaled = sqrt(sq) * ${adam ? '(ds / f32(count))' : '1.0'};
    // A zero group stays zero: τ / 0 is infinite, and max(0, 1 − ∞) is 0.
    return select(max(0.0, 1.0 - uniforms.tau / scaled), 0.0, scaled == 0.0);
  }`;

/** Output [rows]: each row's factor. Inputs W (and S with Adam). */
export class ShrinkRowsProgram extends FusedProgram {
  constructor(
    rows: number,
    private readonly adam: boolean,
  ) {
    super([rows], adam ? ['W', 'S'] : ['W'], `dnn_shrink_rows_${adam}`, UNIFORMS);
  }

  getUserCode(): string {
    return `
      ${COMPENSATED_SUM}
      ${scale(this.adam)}

      fn main(index : i32) {
        let rows = uniforms.rows;
        let cols = uniforms.cols;
        if (index < rows) {
          var sq = vec2<f32>(0.0);
          var ds = vec2<f32>(0.0);
          for (var k = 0; k < uniforms.outer; k++) {
            let base = (k * rows + index) * cols;
            for (var o = 0; o < cols; o++) {
              let w = W[base + o];
              sq = addTo(sq, w * w);
              ds = addTo(ds, scaleAt(base + o));
            }
          }
          result[index] = factorOf(sq.x + sq.y, ds.x + ds.y, uniforms.outer * cols);
        }
      }`;
  }
}

/** Output [cols]: each column's factor, over the weights the rows' factors F shrank. Inputs W, F (and S with Adam). */
export class ShrinkColsProgram extends FusedProgram {
  constructor(
    cols: number,
    private readonly adam: boolean,
  ) {
    super([cols], adam ? ['W', 'F', 'S'] : ['W', 'F'], `dnn_shrink_cols_${adam}`, UNIFORMS);
  }

  getUserCode(): string {
    return `
      ${COMPENSATED_SUM}
      ${scale(this.adam)}

      fn main(index : i32) {
        let rows = uniforms.rows;
        let cols = uniforms.cols;
        if (index < cols) {
          var sq = vec2<f32>(0.0);
          var ds = vec2<f32>(0.0);
          let count = uniforms.outer * rows;
          for (var p = 0; p < count; p++) {
            let j = p * cols + index;
            let x = W[j] * F[p % rows];
            sq = addTo(sq, x * x);
            ds = addTo(ds, scaleAt(j));
          }
          result[index] = factorOf(sq.x + sq.y, ds.x + ds.y, count);
        }
      }`;
  }
}

/** Output W's shape: (w · F[row]) · G[column]. Inputs W, F, G. */
export class ShrinkApplyProgram extends FusedProgram {
  constructor(shape: number[]) {
    super(shape, ['W', 'F', 'G'], 'dnn_shrink_apply', 'rows : i32, cols : i32,');
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let cols = uniforms.cols;
          result[index] = (W[index] * F[(index / cols) % uniforms.rows]) * G[index % cols];
        }
      }`;
  }
}
