/**
 * Messages between the extension and the stats webview: a typed union in each direction, validated on
 * receipt (a webview is a separate, untrusted context; the extension checks everything it is sent).
 */
import type { Summary, TrainerEvent } from '../../protocol/events.ts';
import type { ThresholdCurve } from '../../protocol/runFolder.ts';

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
  | { type: 'compare'; runs: RunEvents[] }
  /** The finished run's threshold curve (threshold-curve.json, through the server): the slider's points. */
  | { type: 'curve'; runId: string; curve: ThresholdCurve }
  /** The server's exact measurement at a threshold off the curve (`dropneuron prune`), or why it failed. */
  | ({ type: 'pruned'; runId: string; threshold: number } & ({ summary: Summary } | { error: string }));

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'openFolder'; path: string }
  | { type: 'openFile'; path: string }
  | { type: 'stop' }
  /** Resume an interrupted run from its folder. */
  | { type: 'resume' }
  /** "Export compact model…": the host runs dropneuron.exportModel on the shown run (format pick, save dialog). */
  | { type: 'exportModel' }
  /** The slider was released between the curve's points: measure the run pruned at `threshold`. */
  | { type: 'prune'; threshold: number }
  /** "Use this threshold": write `threshold` into the spec's `regularize` block (one undoable edit). */
  | { type: 'useThreshold'; threshold: number }
  /** "Export compact model here": `prune --write` at `threshold`, then show the variant's compact model. */
  | { type: 'exportAt'; threshold: number }
  /**
   * "Use these settings": write what a finished `dropneuron auto` run settled on (its summary's `auto.settings`)
   * into the spec. The host takes the settings from the run's own events: the page names nothing.
   */
  | { type: 'useSettings' };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isEvent = (x: unknown): x is TrainerEvent =>
  isObject(x) && x.v === 1 && typeof x.type === 'string' && ['start', 'epoch', 'done', 'error'].includes(x.type);
const isRunEvents = (x: unknown): x is RunEvents =>
  isObject(x) && typeof x.runId === 'string' && typeof x.title === 'string' && Array.isArray(x.events) && x.events.every(isEvent);

/** A threshold the host may act on: a finite number ≥ 0 (the spec's range for `threshold`). */
const isThreshold = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const isCurve = (x: unknown): x is ThresholdCurve =>
  isObject(x) &&
  x.version === 1 &&
  isThreshold(x.threshold) &&
  typeof x.beforePrune === 'number' &&
  Array.isArray(x.points) &&
  x.points.every((p) => isObject(p) && isThreshold(p.threshold) && typeof p.afterPrune === 'number' && isObject(p.kept));

export function isToWebview(x: unknown): x is ToWebview {
  if (!isObject(x)) return false;
  if (x.type === 'compare') return Array.isArray(x.runs) && x.runs.length > 0 && x.runs.every(isRunEvents);
  if (typeof x.runId !== 'string') return false;
  if (x.type === 'reset') return isRunEvents(x) && (x.interrupted === undefined || typeof x.interrupted === 'boolean');
  if (x.type === 'event') return isEvent(x.event);
  if (x.type === 'curve') return isCurve(x.curve);
  if (x.type === 'pruned')
    return isThreshold(x.threshold) && (typeof x.error === 'string' || (isObject(x.summary) && Array.isArray(x.summary.layers) && isObject(x.summary.inputs)));
  return false;
}

export function isFromWebview(x: unknown): x is FromWebview {
  if (!isObject(x)) return false;
  switch (x.type) {
    case 'ready':
    case 'stop':
    case 'resume':
    case 'exportModel':
    case 'useSettings':
      return Object.keys(x).length === 1;
    case 'openFolder':
    case 'openFile':
      return typeof x.path === 'string' && x.path.length > 0 && x.path.length < 4096;
    case 'prune':
    case 'useThreshold':
    case 'exportAt':
      return Object.keys(x).length === 2 && isThreshold(x.threshold);
    default:
      return false;
  }
}
