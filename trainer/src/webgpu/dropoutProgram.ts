import { FusedProgram } from './program.ts';

/**
 * Inverted dropout with its mask made in the shader, as dropout.ts makes it on the host: value i of the batch (its
 * flat index plus `first`, the shard's first value) is kept when lowbias32((first + i) ^ lowbias32(seed)) is below
 * keep·2³², and scaled by 1/keep; else 0. The same program is the gradient (dy through the same mask). No mask is
 * written by the host or uploaded. Input X; uniforms seed, first, the threshold ⌈keep·2³²⌉ (all kept when it does
 * not fit in 32 bits), scale.
 */
export class DropoutProgram extends FusedProgram {
  constructor(shape: number[]) {
    super(shape, ['X'], 'dnn_dropout', 'seed : u32, first : u32, threshold : u32, every : u32, scale : f32,');
  }

  getUserCode(): string {
    return `
      // Wellons' lowbias32, dropout.ts' hash32: u32 arithmetic wraps as Math.imul does.
      fn hash32(v : u32) -> u32 {
        var x = v;
        x = x ^ (x >> 16u);
        x = x * 0x7feb352du;
        x = x ^ (x >> 15u);
        x = x * 0x846ca68bu;
        x = x ^ (x >> 16u);
        return x;
      }

      fn main(index : i32) {
        if (index < uniforms.size) {
          let h = hash32((uniforms.first + u32(index)) ^ hash32(uniforms.seed));
          let kept = uniforms.every == 1u || h < uniforms.threshold;
          result[index] = select(0.0, X[index] * uniforms.scale, kept);
        }
      }`;
  }
}
