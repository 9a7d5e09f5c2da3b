import { FusedProgram } from './program.ts';

/** DropNeuron's proximal shrink, last dispatch (shrinkFactor.ts): W's shape, (w · F[row]) · G[column]. Inputs W, F, G. */
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
