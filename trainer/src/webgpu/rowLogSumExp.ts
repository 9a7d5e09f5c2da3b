/**
 * WGSL for a row's softmax normaliser as tfjs' logSoftmax computes it: the row's max and log Σ exp(z − max), for the
 * k logits of Z from `base`. One definition for the cross-entropy's value and its gradient, so the two agree.
 */
export const ROW_LOG_SUM_EXP = `
  fn rowLogSumExp(base : i32, k : i32) -> vec2<f32> {
    var top = Z[base];
    for (var j = 1; j < k; j++) {
      top = max(top, Z[base + j]);
    }
    var total = 0.0;
    for (var j = 0; j < k; j++) {
      total = total + exp(Z[base + j] - top);
    }
    return vec2<f32>(top, log(total));
  }`;
