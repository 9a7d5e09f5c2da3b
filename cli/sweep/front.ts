import type { FrontPoint } from '../../protocol/sweep.ts';

/**
 * The Pareto front of (error, params) points: those no other point dominates, where a point dominates another
 * when it is at least as good on both and better on one. Equal points both stay. Sorted by params, then error.
 * One sort and one pass: O(n log n).
 */
export function paretoFront<P extends Pick<FrontPoint, 'error' | 'params'>>(points: readonly P[]): P[] {
  const sorted = [...points].filter((p) => Number.isFinite(p.error) && Number.isFinite(p.params)).sort((a, b) => a.params - b.params || a.error - b.error);
  const front: P[] = [];
  // Walking by params ascending, a point is on the front when its error is below every error seen at fewer
  // params (or equal to the last front point's and at the same params: a tie).
  let best = Infinity;
  for (const p of sorted) {
    const last = front.at(-1);
    if (p.error < best) {
      front.push(p);
      best = p.error;
    } else if (last && p.error === last.error && p.params === last.params) {
      front.push(p);
    }
  }
  return front;
}
