/**
 * WGSL of a layer's penalty gradient at one weight, as penalties.ts' PENALTY_MATH writes it, shared by the programs
 * that compute it (PenaltyGradWProgram, PenaltyGradBProgram, and the optimizers' programs that add it to the data
 * gradient):
 *   dW = W ⊙ (s₂ + (r/‖row‖ + c/‖column‖)·s_d) + slope(W)·s₁,   db = b·s₂ + slope(b)·s₁,
 * s_t = dy_t·a_t (the upstream gradient of term t times its strength; a term that is off, or DropNeuron under
 * `update proximal`, has a_t = 0), slope(w) = 1 if w > 0 else −1 (tfjs' Abs gradient, −1 at 0), and the norms
 * √(Σw² + ε) from GroupSumsProgram's N ([rows + cols, 2]: rows first). The weight at flat index j of W, read as
 * [outer, rows, cols], lies in row ⌊j / cols⌋ mod rows and column j mod cols.
 */
export const PENALTY_GRADIENT = `
  fn weightPenaltyGradient(index : i32, w : f32, s1 : f32, s2 : f32, sd : f32) -> f32 {
    let cols = uniforms.cols;
    let rows = uniforms.rows;
    let rowNorm = sqrt(N[2 * ((index / cols) % rows)] + uniforms.epsilon);
    let colNorm = sqrt(N[2 * (rows + index % cols)] + uniforms.epsilon);
    let factor = s2 + (uniforms.r / rowNorm + uniforms.c / colNorm) * sd;
    return w * factor + select(-1.0, 1.0, w > 0.0) * s1;
  }`;

export const BIAS_PENALTY_GRADIENT = `
  fn biasPenaltyGradient(b : f32, s1 : f32, s2 : f32) -> f32 {
    return b * s2 + select(-1.0, 1.0, b > 0.0) * s1;
  }`;

/** The uniforms weightPenaltyGradient reads (a program declares them among its own). */
export const WEIGHT_PENALTY_UNIFORMS = 'a1 : f32, a2 : f32, ad : f32, r : f32, c : f32, epsilon : f32, rows : i32, cols : i32,';
/** The uniforms a bias's penalty gradient reads. */
export const BIAS_PENALTY_UNIFORMS = 'a1 : f32, a2 : f32,';
