/** How a run's panel is titled: pure (no VS Code API), so that the tests read it without an editor. */
import type { RunRecord } from './runStore.ts';
import { shortOverrides } from './views/runsModel.ts';

/** The file name of a spec's path or URI (`/w/tabular.dnn`, `file:///w/my%20spec.dnn` → `my spec.dnn`). */
function baseName(pathOrUri: string): string {
  const last = pathOrUri.split(/[\\/]/).pop() ?? pathOrUri;
  try {
    return pathOrUri.includes('://') ? decodeURIComponent(last) : last;
  } catch {
    return last;
  }
}

/**
 * "tabular.dnn · 04:42:54 · dropneuron 0.1": the spec, the run's start time (with the day, for a run of another
 * day) and the settings the run took instead of the spec's, if any (at most two, then how many more), so that
 * two runs' tabs, even of one spec, read apart. The time stays right after the spec: tabs are found by it.
 */
export function panelTitle(run: Pick<RunRecord, 'uri' | 'events'>, started?: string, now = new Date()): string {
  const start = run.events.find((e) => e.type === 'start');
  const spec = baseName((start?.type === 'start' && start.specPath) || run.uri);
  const at = started ? new Date(started) : now;
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const today = now.toDateString() === at.toDateString();
  const when = today ? time : `${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
  const overrides = start?.type === 'start' ? shortOverrides(start.overrides) : '';
  return [spec, when, overrides].filter(Boolean).join(' · ');
}
