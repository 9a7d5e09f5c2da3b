/** Whether `v` is 1, 2 or 5 × a power of ten: the labelled ticks of a log axis (its others stay unlabelled), in every chart of the panels. */
export function isRoundTick(v: number): boolean {
  if (!(v > 0)) return false;
  const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6);
}
