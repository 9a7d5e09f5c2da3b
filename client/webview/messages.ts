/**
 * Messages between the extension and the stats webview: a typed union in each direction, validated on
 * receipt (a webview is a separate, untrusted context; the extension checks everything it is sent).
 */
import type { TrainerEvent } from '../../protocol/events.ts';

/** One run as a page is given it: its id, the title people read, and its events so far. */
export interface RunEvents {
  runId: string;
  title: string;
  events: TrainerEvent[];
}

/** Extension → webview. */
export type ToWebview =
  /**
   * Start over with a run: its events so far (a late-opened panel replays them). `interrupted`: the run has
   * no final event and no trainer is running it (a killed trainer, a closed window): the page offers Resume.
   */
  | ({ type: 'reset'; interrupted?: boolean } & RunEvents)
  /** One more event of the run being shown. */
  | { type: 'event'; runId: string; event: TrainerEvent }
  /** The compare page: two or more runs, side by side. */
  | { type: 'compare'; runs: RunEvents[] };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'openFolder'; path: string }
  | { type: 'openFile'; path: string }
  | { type: 'stop' }
  /** Resume an interrupted run from its folder. */
  | { type: 'resume' }
  /** "Export compact model…": the host runs dropneuron.exportModel on the shown run (format pick, save dialog). */
  | { type: 'exportModel' };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isEvent = (x: unknown): x is TrainerEvent =>
  isObject(x) && x.v === 1 && typeof x.type === 'string' && ['start', 'epoch', 'done', 'error'].includes(x.type);
const isRunEvents = (x: unknown): x is RunEvents =>
  isObject(x) && typeof x.runId === 'string' && typeof x.title === 'string' && Array.isArray(x.events) && x.events.every(isEvent);

export function isToWebview(x: unknown): x is ToWebview {
  if (!isObject(x)) return false;
  if (x.type === 'compare') return Array.isArray(x.runs) && x.runs.length > 0 && x.runs.every(isRunEvents);
  if (typeof x.runId !== 'string') return false;
  if (x.type === 'reset') return isRunEvents(x) && (x.interrupted === undefined || typeof x.interrupted === 'boolean');
  if (x.type === 'event') return isEvent(x.event);
  return false;
}

export function isFromWebview(x: unknown): x is FromWebview {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'ready':
    case 'stop':
    case 'resume':
    case 'exportModel':
      return Object.keys(x).length === 1;
    case 'openFolder':
    case 'openFile':
      return typeof x.path === 'string' && x.path.length > 0 && x.path.length < 4096;
    default:
      return false;
  }
}
