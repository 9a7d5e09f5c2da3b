import * as tf from '@tensorflow/tfjs-core';

/**
 * The fused kernels' base: a compute program in the shape of tfjs-backend-webgpu 4.22's `WebGPUProgram` (that
 * package is loaded only once Dawn is `navigator.gpu`, so nothing here imports it). tfjs writes the shader's
 * header: `result` (the output buffer), one read-only array per name in `variableNames`, and `uniforms` with each
 * input's shape, the output's, `size` (the output's element count) and the fields declared in `uniforms`; the
 * program's `getUserCode` writes `fn main(index : i32)`, called once per invocation with its global index.
 * tfjs caches a compiled pipeline by `shaderKey` (plus the inputs' ranks and types), so everything a program
 * bakes into its code is in its key, and every number that varies per call is a uniform.
 */
export abstract class FusedProgram {
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly size = true;
  /** The uniform fields the program declares, WGSL struct members (`lr : f32, n : i32,`). */
  readonly uniforms?: string;

  /**
   * `threads`: invocations to run (by default one per output value); `workgroup`: invocations per workgroup. A
   * program whose invocations cooperate through workgroup memory runs one workgroup (`threads` = `workgroup`).
   */
  constructor(
    readonly outputShape: number[],
    readonly variableNames: string[],
    readonly shaderKey: string,
    uniforms: string,
    threads = outputShape.reduce((a, b) => a * b, 1),
    workgroup = 64,
  ) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) };
    this.workgroupSize = [workgroup, 1, 1];
    this.dispatch = [Math.ceil(threads / workgroup), 1, 1];
    if (uniforms) this.uniforms = uniforms;
  }

  abstract getUserCode(): string;
}

/** A program's own uniforms' values, in the order of its `uniforms` declaration. */
export type UniformValue = { type: 'float32' | 'int32' | 'uint32'; data: number[] };

export const f32 = (...data: number[]): UniformValue => ({ type: 'float32', data });
export const i32 = (...data: number[]): UniformValue => ({ type: 'int32', data });
export const u32 = (...data: number[]): UniformValue => ({ type: 'uint32', data });

interface WebGpuBackend {
  runWebGPUProgram(program: FusedProgram, inputs: tf.TensorInfo[], dtype: 'float32', uniforms?: UniformValue[]): tf.TensorInfo;
}

/** Runs `program` on the webgpu backend (one dispatch): its output as a new float32 tensor, tracked by the engine (and tidy). */
export function runProgram(program: FusedProgram, inputs: tf.Tensor[], uniforms: UniformValue[]): tf.Tensor {
  const backend = tf.backend() as unknown as WebGpuBackend;
  const info = backend.runWebGPUProgram(program, inputs, 'float32', uniforms);
  return tf.engine().makeTensorFromTensorInfo(info);
}
