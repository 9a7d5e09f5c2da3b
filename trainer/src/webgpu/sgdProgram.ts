import { FusedProgram } from './program.ts';

/** SGD's step of one variable, as tfjs' SGDOptimizer takes it: w' = c·g + w with c = −η. Inputs W and G; uniform c. */
export class SgdProgram extends FusedProgram {
  constructor(shape: number[]) {
    super(shape, ['W', 'G'], 'dnn_sgd', 'c : f32,');
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = uniforms.c * G[index] + W[index];
        }
      }`;
  }
}
