/**
 * Messages between the extension and the stats webview: a typed union in each direction, validated on
 * receipt (a webview is a separate, untrusted context; the extension checks everything it is sent).
 */
import type { TrainerEvent } from '../../protocol/events.ts';

/** Extension → webview. */
export type ToWebview =
  /** Start over with a run: its events so far (a late-opened panel replays them). */
  | { type: 'reset'; runId: string; title: string; events: TrainerEvent[] }
  /** One more event of the run being shown. */
  | { type: 'event'; runId: string; event: TrainerEvent };

/** Webview → extension. */
export type FromWebview = { type: 'ready' } | { type: 'openFolder'; path: string } | { type: 'openFile'; path: string } | { type: 'stop' };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isEvent = (x: unknown): x is TrainerEvent =>
  isObject(x) && x.v === 1 && typeof x.type === 'string' && ['start', 'epoch', 'done', 'error'].includes(x.type);

export function isToWebview(x: unknown): x is ToWebview {
  if (!isObject(x) || typeof x.runId !== 'string') return false;
  if (x.type === 'reset') return typeof x.title === 'string' && Array.isArray(x.events) && x.events.every(isEvent);
  if (x.type === 'event') return isEvent(x.event);
  return false;
}

export function isFromWebview(x: unknown): x is FromWebview {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'ready':
    case 'stop':
      return Object.keys(x).length === 1;
    case 'openFolder':
    case 'openFile':
      return typeof x.path === 'string' && x.path.length > 0 && x.path.length < 4096;
    default:
      return false;
  }
}
