/**
 * The client's record of training runs, fed by the server's `dropneuron/runEvent` notifications (and, for
 * past runs, by the events the server reads from their folders). Pure: no VS Code API, so the views' logic is tested without an editor.
 */
import { isInterruption, type DoneEvent, type TrainerEvent } from '../../protocol/events.ts';
import type { LiveRun } from '../../protocol/lsp.ts';

export interface RunRecord {
  runId: string;
  uri: string;
  events: TrainerEvent[];
  /** `interrupted`: the trainer died before `done` after the run had its folder: Resume continues it from there. */
  status: 'running' | 'done' | 'stopped' | 'error' | 'interrupted';
  runDir?: string;
}

type Listener = (run: RunRecord, event: TrainerEvent) => void;

/** The status a run's events give it (the events of one run, in order). */
export function statusOf(events: readonly TrainerEvent[]): RunRecord['status'] {
  const end = events.filter((e) => e.type === 'done' || e.type === 'error').at(-1);
  if (!end) return 'running';
  if (end.type === 'done') return end.stopped ? 'stopped' : 'done';
  return isInterruption(end) ? 'interrupted' : 'error';
}

export class RunStore {
  private readonly runs = new Map<string, RunRecord>();
  private readonly listeners = new Set<Listener>();

  /** The record of a run the server has just started (its events may already have arrived). */
  begin(uri: string, runId: string): RunRecord {
    let run = this.runs.get(runId);
    if (!run) {
      run = { runId, uri, events: [], status: 'running' };
      this.runs.set(runId, run);
    }
    return run;
  }

  add(uri: string, runId: string, event: TrainerEvent): RunRecord {
    const run = this.begin(uri, runId);
    run.events.push(event);
    if (event.type === 'start') run.runDir = event.runDir;
    if (event.type === 'error' && event.runDir) run.runDir = event.runDir;
    run.status = statusOf(run.events);
    for (const listener of this.listeners) listener(run, event);
    return run;
  }

  /**
   * A run the server follows, as it says after a reload or a restart: its record gets every event so far (a
   * record this window already had is brought up to date, not doubled), and listeners hear its latest event.
   */
  restore(live: LiveRun): RunRecord {
    const run = this.begin(live.uri, live.runId);
    run.events = [...live.events];
    const start = live.events.find((e) => e.type === 'start');
    if (start?.type === 'start') run.runDir = start.runDir;
    else if (live.runDir) run.runDir = live.runDir;
    run.status = statusOf(run.events);
    const last = run.events.at(-1);
    if (last) for (const listener of this.listeners) listener(run, last);
    return run;
  }

  /**
   * Runs this window still thinks are training that the server no longer follows (it went with a restart and
   * found the trainer gone): they are marked interrupted, as their folders say.
   */
  settle(live: readonly LiveRun[]): RunRecord[] {
    const following = new Set(live.map((r) => r.runId));
    const gone = [...this.runs.values()].filter((r) => r.status === 'running' && !r.runId.startsWith('folder:') && !following.has(r.runId));
    for (const run of gone) run.status = run.runDir ? 'interrupted' : 'error';
    return gone;
  }

  /** A past run from the events its folder holds (for "Show Training Stats" on a past run). */
  load(runDir: string, uri: string, events: TrainerEvent[], state?: 'running' | 'interrupted' | 'done' | 'failed'): RunRecord {
    const runId = `folder:${runDir}`;
    const done = events.find((e): e is DoneEvent => e.type === 'done');
    const status = done ? statusOf(events) : state === 'interrupted' ? 'interrupted' : events.some((e) => e.type === 'error') ? 'error' : 'running';
    const run: RunRecord = { runId, uri, events, status, runDir };
    this.runs.set(runId, run);
    return run;
  }

  /**
   * A run this window began to follow mid-run (after a reload its notifications can come before the server says
   * it trains it): the events before those, from its folder (`past`), so that its panel charts it from epoch 1.
   */
  backfill(run: RunRecord, past: RunRecord): void {
    if (run.events.some((e) => e.type === 'start')) return;
    const first = run.events.find((e) => e.type === 'epoch');
    const before = first?.type === 'epoch' ? first.epoch : Infinity;
    run.events = [...past.events.filter((e) => e.type === 'start' || (e.type === 'epoch' && e.epoch < before)), ...run.events];
    if (!run.runDir && past.runDir) run.runDir = past.runDir;
    run.status = statusOf(run.events);
  }

  /** The run of a run folder this window knows: a live one before one read from the folder. */
  byRunDir(runDir: string): RunRecord | undefined {
    const all = [...this.runs.values()].filter((r) => r.runDir === runDir);
    return all.find((r) => !r.runId.startsWith('folder:')) ?? all[0];
  }

  get(runId: string): RunRecord | undefined {
    return this.runs.get(runId);
  }

  /** The newest run of a document seen in this session. */
  latestFor(uri: string): RunRecord | undefined {
    return [...this.runs.values()].filter((r) => r.uri === uri && !r.runId.startsWith('folder:')).at(-1);
  }

  running(uri: string): RunRecord | undefined {
    const run = this.latestFor(uri);
    return run?.status === 'running' ? run : undefined;
  }

  /** Every run training now (that this window knows of), oldest first. */
  live(): RunRecord[] {
    return [...this.runs.values()].filter((r) => r.status === 'running' && !r.runId.startsWith('folder:'));
  }

  onEvent(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
