import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { EpochEvent, TrainerEvent } from '../../../protocol/events.ts';
import type { LiveRun } from '../../../protocol/lsp.ts';
import { lockAlive, readLock } from '../../../store/trainerLock.ts';

/** A run the server follows: a trainer it started, or one an earlier server started that it re-attached to. */
export interface ActiveRun {
  runId: string;
  uri: string;
  runDir: string;
  /** The trainer's process: this server's child, or (re-attached) a process an earlier server started. */
  pid?: number;
  /** Absent for a re-attached run: its stdin and stdout went with the server that started it. */
  child?: ChildProcess;
  /** Every event of this run so far, for a client that asks after a reload (`dropneuron/activeRuns`). */
  events: TrainerEvent[];
  /** The trainer has sent `done` or `error` (its process may take a moment longer to exit). */
  ended?: boolean;
  finished: boolean;
  /** Whether this server made the run folder (a new run): one the trainer never began in is removed again. */
  fresh: boolean;
  progress?: WorkDoneProgressServerReporter;
  epochs: number;
  lastEpoch?: EpochEvent;
  timer?: NodeJS.Timeout;
}

/** The runs the server follows, one per spec at a time. */
export class ActiveRuns {
  private readonly byUri = new Map<string, ActiveRun>();
  private count = 0;

  /** An id for a run this server starts: unique across servers (a re-attached run keeps the id its lock names). */
  newRunId(): string {
    return `run-${process.pid}-${++this.count}`;
  }

  get(uri: string): ActiveRun | undefined {
    return this.byUri.get(uri);
  }

  has(uri: string): boolean {
    return this.byUri.has(uri);
  }

  add(run: ActiveRun): void {
    this.byUri.set(run.uri, run);
  }

  /** Forgets `run` (not a newer run of its spec). */
  remove(run: ActiveRun): void {
    if (this.byUri.get(run.uri) === run) this.byUri.delete(run.uri);
  }

  all(): IterableIterator<ActiveRun> {
    return this.byUri.values();
  }

  /** Every run training now, with its events so far. */
  live(): LiveRun[] {
    return [...this.byUri.values()].filter((r) => !r.ended).map((r) => ({ uri: r.uri, runId: r.runId, runDir: r.runDir, events: r.events }));
  }

  /** Whether the server follows a run in `runDir`, ended or not. */
  follows(runDir: string): boolean {
    return [...this.byUri.values()].some((r) => resolve(r.runDir) === resolve(runDir));
  }

  /** Whether a run is still training in `runDir`: one the server follows, or any process its lock names. */
  isTrainingIn(runDir: string): boolean {
    const mine = [...this.byUri.values()].some((run) => !run.ended && resolve(run.runDir) === resolve(runDir));
    return mine || lockAlive(readLock(runDir));
  }
}
