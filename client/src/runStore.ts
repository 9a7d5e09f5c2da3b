/**
 * The client's record of training runs, fed by the server's `dropneuron/runEvent` notifications (and, for
 * past runs, by the events the server reads from their folders). Pure: no VS Code API, so the views' logic is tested without an editor.
 */
import type { DoneEvent, TrainerEvent } from '../../protocol/events.ts';

export interface RunRecord {
  runId: string;
  uri: string;
  events: TrainerEvent[];
  status: 'running' | 'done' | 'stopped' | 'error';
  runDir?: string;
}

type Listener = (run: RunRecord, event: TrainerEvent) => void;

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
    if (event.type === 'done') run.status = event.stopped ? 'stopped' : 'done';
    if (event.type === 'error') run.status = 'error';
    for (const listener of this.listeners) listener(run, event);
    return run;
  }

  /** A past run from the events its folder holds (for "Show Training Stats" on a past run). */
  load(runDir: string, uri: string, events: TrainerEvent[]): RunRecord {
    const runId = `folder:${runDir}`;
    const done = events.find((e): e is DoneEvent => e.type === 'done');
    const run: RunRecord = {
      runId,
      uri,
      events,
      status: done ? (done.stopped ? 'stopped' : 'done') : events.some((e) => e.type === 'error') ? 'error' : 'running',
      runDir,
    };
    this.runs.set(runId, run);
    return run;
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

  onEvent(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
