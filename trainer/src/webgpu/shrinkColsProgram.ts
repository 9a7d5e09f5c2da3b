import { COMPENSATED_SUM } from './compensatedSum.ts';
import { FusedProgram } from './program.ts';
import { SHRINK_UNIFORMS, shrinkFactor } from './shrinkFactor.ts';

/** DropNeuron's proximal shrink, second dispatch (shrinkFactor.ts): output [cols], each column's factor, over the weights the rows' factors F shrank. Inputs W, F (and S with Adam). */
export class ShrinkColsProgram extends FusedProgram {
  constructor(
    cols: number,
    private readonly adam: boolean,
  ) {
    super([cols], adam ? ['W', 'F', 'S'] : ['W', 'F'], `dnn_shrink_cols_${adam}`, SHRINK_UNIFORMS);
  }

  getUserCode(): string {
    return `
      ${COMPENSATED_SUM}
      ${shrinkFactor(this.adam)}

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
