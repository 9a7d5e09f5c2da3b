/**
 * The webview's script (bundled with Chart.js by scripts/build.mjs), for both pages: one run's stats panel
 * and the compare panel (`data-page` on <body>). It renders the view models of viewModel.ts; its state (the
 * runs' events) survives hide/show and reloads through the webview state API, so the panel needs no
 * retainContextWhenHidden. A colour theme switch redraws the charts in the new colours.
 */
import type { TrainerEvent } from '../../protocol/events.ts';
import { onThemeChange } from './charts.ts';
import { renderCompare } from './comparePage.ts';
import { isToWebview, type FromWebview, type RunEvents } from './messages.ts';
import { renderStats } from './statsPage.ts';
import { initialView, isMeasured, selectedThreshold, withExact, type ThresholdView } from './thresholdModel.ts';
import { renderThreshold } from './thresholdPage.ts';
import { initialState, reduce, replay, type StatsState } from './viewModel.ts';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): Persisted | undefined;
  setState(state: Persisted): void;
}
/**
 * What the page keeps across reloads: the run's events (or the compared runs'), never derived state, and
 * where the person left the threshold slider (the curve itself comes from the host again).
 */
interface Persisted {
  runId: string;
  title: string;
  events: TrainerEvent[];
  interrupted?: boolean;
  compare?: RunEvents[];
  /** The threshold slider's position over this run's curve, once moved. */
  slider?: number;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const comparePage = document.body.dataset.page === 'compare';
const $ = (id: string): HTMLElement => document.getElementById(id)!;
let persisted: Persisted = vscode.getState() ?? { runId: '', title: '', events: [] };
let state: StatsState = replay(persisted.events, persisted.title || 'DropNeuron', persisted.interrupted);
/** The threshold slider over the finished run's curve; the host sends the curve again after a reload. */
let threshold: ThresholdView | undefined;

/** Between the curve's points, the nearest point is shown at once and the host asked for an exact prune. */
function measure(view: ThresholdView): ThresholdView {
  if (isMeasured(view)) return view;
  const at = selectedThreshold(view);
  vscode.postMessage({ type: 'prune', threshold: at });
  return { ...view, pending: at };
}

/** The slider's position, saved with the run so that a reloaded panel puts it back. */
function keepSlider(position: number): number {
  persisted.slider = position;
  vscode.setState(persisted);
  return position;
}

/** A reloaded panel's slider where it was left (measured again, if it was between points). */
function restoreSlider(view: ThresholdView): ThresholdView {
  return persisted.slider === undefined ? view : measure({ ...view, position: persisted.slider });
}

function render(): void {
  if (comparePage) renderCompare((persisted.compare ?? []).map((r) => ({ title: r.title, state: replay(r.events, r.title) })));
  else {
    renderStats(state, persisted.title);
    renderThreshold(threshold);
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const message: unknown = e.data;
  if (!isToWebview(message)) return; // only the typed union is accepted
  if (message.type === 'curve' || message.type === 'pruned') {
    if (message.runId !== persisted.runId) return;
    if (message.type === 'curve') threshold = restoreSlider(initialView(message.curve, state.summary?.damage?.tolerance));
    else if (threshold) threshold = withExact(threshold, message.threshold, message);
    renderThreshold(threshold);
    return;
  }
  if (message.type === 'compare') {
    persisted = { runId: '', title: '', events: [], compare: message.runs };
  } else if (message.type === 'reset') {
    const same = message.runId === persisted.runId;
    if (!same) threshold = undefined;
    persisted = {
      runId: message.runId,
      title: message.title,
      events: message.events,
      ...(message.interrupted ? { interrupted: true } : {}),
      ...(same && persisted.slider !== undefined ? { slider: persisted.slider } : {}),
    };
    state = replay(message.events, message.title, message.interrupted);
  } else {
    if (message.runId !== persisted.runId) {
      persisted = { runId: message.runId, title: persisted.title, events: [] };
      threshold = undefined;
      state = initialState(persisted.title);
    }
    persisted.events.push(message.event);
    state = reduce(state, message.event);
  }
  vscode.setState(persisted);
  render();
});

if (!comparePage) {
  $('stop').addEventListener('click', () => vscode.postMessage({ type: 'stop' }));
  $('resume').addEventListener('click', () => vscode.postMessage({ type: 'resume' }));
  $('open-compact').addEventListener('click', () => state.outputs?.compact && vscode.postMessage({ type: 'openFolder', path: state.outputs.compact }));
  $('open-spec').addEventListener('click', () => state.outputs?.prunedSpec && vscode.postMessage({ type: 'openFile', path: state.outputs.prunedSpec }));
  $('export-model').addEventListener('click', () => vscode.postMessage({ type: 'exportModel' }));
  $('use-settings').addEventListener('click', () => vscode.postMessage({ type: 'useSettings' }));
  const slider = $('threshold-slider') as HTMLInputElement;
  // Dragging reads the curve's nearest point at once; releasing between points asks the server for an exact prune.
  slider.addEventListener('input', () => {
    if (!threshold) return;
    threshold = { ...threshold, position: keepSlider(Number(slider.value)) };
    renderThreshold(threshold);
  });
  slider.addEventListener('change', () => {
    if (!threshold) return;
    threshold = measure({ ...threshold, position: keepSlider(Number(slider.value)) });
    renderThreshold(threshold);
  });
  const selected = (): number | undefined => (threshold ? selectedThreshold(threshold) : undefined);
  $('use-threshold').addEventListener('click', () => {
    const at = selected();
    if (at !== undefined) vscode.postMessage({ type: 'useThreshold', threshold: at });
  });
  $('export-at').addEventListener('click', () => {
    const at = selected();
    if (at !== undefined) vscode.postMessage({ type: 'exportAt', threshold: at });
  });
}
onThemeChange(render);

render();
vscode.postMessage({ type: 'ready' });
