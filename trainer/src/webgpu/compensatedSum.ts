/**
 * WGSL for compensated (Neumaier) summation: a running sum as vec2(sum, compensation), its value sum + compensation.
 * The cpu backend adds in float64 and rounds once, so a plain float32 sum of a few thousand terms differs from it
 * by some units in the last place, which a penalty of a few hundred (DropNeuron at a strong λ) shows above the
 * tests' tolerance; the compensated sum rounds like the cpu's but for rare ties.
 */
export const COMPENSATED_SUM = `
  fn addTo(s : vec2<f32>, x : f32) -> vec2<f32> {
    let t = s.x + x;
    if (abs(s.x) >= abs(x)) {
      return vec2<f32>(t, s.y + ((s.x - t) + x));
    }
    return vec2<f32>(t, s.y + ((x - t) + s.x));
  }`;
