import { COMPENSATED_SUM } from './compensatedSum.ts';
import { FusedProgram } from './program.ts';
import { SHRINK_UNIFORMS, shrinkFactor } from './shrinkFactor.ts';

/** DropNeuron's proximal shrink, first dispatch (shrinkFactor.ts): output [rows], each row's factor. Inputs W (and S with Adam). */
export class ShrinkRowsProgram extends FusedProgram {
  constructor(
    rows: number,
    private readonly adam: boolean,
  ) {
    super([rows], adam ? ['W', 'S'] : ['W'], `dnn_shrink_rows_${adam}`, SHRINK_UNIFORMS);
  }

  getUserCode(): string {
    return `
      ${COMPENSATED_SUM}
      ${shrinkFactor(this.adam)}

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
