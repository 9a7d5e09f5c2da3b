/**
 * Messages between the extension and the sweep panel's page: a typed union each way, validated on receipt
 * (the page is an untrusted context; the host also checks that a named trial and threshold are the sweep's).
 */
import type { SweepFile } from '../../protocol/sweep.ts';

/**
 * Extension → page: the sweep as sweep.json holds it now (none yet: the sweep has not written it), and the spec
 * swept, which the page keeps in its state so that Reload Window restores the panel with its sweep.
 */
export type ToSweepPage = { type: 'sweep'; model: string; specPath: string; sweep: SweepFile | null };

/** Page → extension. `open`: the trial's run in its stats panel; `apply` / `shrink`: one point into the spec. */
export type FromSweepPage = { type: 'ready' } | { type: 'open'; trial: string } | { type: 'apply' | 'shrink'; trial: string; threshold: number };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export function isToSweepPage(x: unknown): x is ToSweepPage {
  if (!isObject(x) || x.type !== 'sweep' || typeof x.model !== 'string' || typeof x.specPath !== 'string') return false;
  const sweep = x.sweep;
  if (sweep === null) return true;
  // The published results are optional, but when there they are what the chart draws: an object with a list.
  const anchors = isObject(sweep) ? sweep.anchors : undefined;
  return (
    isObject(sweep) &&
    Array.isArray(sweep.trials) &&
    Array.isArray(sweep.front) &&
    (anchors === undefined || (isObject(anchors) && typeof anchors.model === 'string' && Array.isArray(anchors.points)))
  );
}

export function isFromSweepPage(x: unknown): x is FromSweepPage {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'ready':
      return Object.keys(x).length === 1;
    case 'open':
      return typeof x.trial === 'string' && Object.keys(x).length === 2;
    case 'apply':
    case 'shrink':
      return typeof x.trial === 'string' && typeof x.threshold === 'number' && Number.isFinite(x.threshold) && Object.keys(x).length === 3;
    default:
      return false;
  }
}
