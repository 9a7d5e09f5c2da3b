/**
 * DropNeuron's proximal step (proximal.ts' shrink, rows then columns) in three dispatches per layer (shrink.ts): the
 * rows' factors (ShrinkRowsProgram), the columns' factors over the rows' result (ShrinkColsProgram), and the product
 * (ShrinkApplyProgram). This file: the WGSL and uniforms the first two share. A group's factor is
 *   max(0, 1 − τ / (‖w_g‖ · mean_g d)),   d = √(v / (1 − β₂ᵗ)) + ε
 * with d Adam's per-weight scale of its last step, read from FusedAdam's packed moments S = [m; v] (v at n + j);
 * without Adam (`plain`: SGD) d = 1. W is read as [outer, rows, cols] (penaltyGradient.ts). Sums are compensated
 * (compensatedSum.ts). Uniforms: outer, rows, cols, n, τ, 1 − β₂ᵗ, ε.
 */
export const SHRINK_UNIFORMS = 'outer : i32, rows : i32, cols : i32, n : i32, tau : f32, correction : f32, epsilon : f32,';

/** WGSL: d at flat index j (Adam's scale, or 1: the shader reads S only with Adam) and a group's factor. */
export const shrinkFactor = (adam: boolean): string => `
  fn scaleAt(j : i32) -> f32 {
    ${adam ? 'return sqrt(S[uniforms.n + j] / uniforms.correction) + uniforms.epsilon;' : 'return 1.0;'}
  }
  fn factorOf(sq : f32, ds : f32, count : i32) -> f32 {
    let scaled = sqrt(sq) * ${adam ? '(ds / f32(count))' : '1.0'};
    // A zero group stays zero: τ / 0 is infinite, and max(0, 1 − ∞) is 0.
    return select(max(0.0, 1.0 - uniforms.tau / scaled), 0.0, scaled == 0.0);
  }`;
