import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Connection } from 'vscode-languageserver/node';
import type { ErrorEvent, TrainerEvent } from '../../../protocol/events.ts';
import { RunEventNotification, type RunEventParams } from '../../../protocol/lsp.ts';
import { EVENTS_FILE, TRAINER_LOG } from '../../../protocol/runFolder.ts';
import { remove } from '../../../store/files.ts';
import { RunFolder } from '../../../store/runFolder.ts';
import { lockAlive, removeLock } from '../../../store/trainerLock.ts';
import { filePath } from '../paths.ts';
import { isRunFolder } from '../../../store/runFolder.ts';
import { FileTail } from '../../../store/tail.ts';
import type { ActiveRun, ActiveRuns } from './activeRuns.ts';
import { crashEvent, stderrTail, type ProcessEnd } from './crash.ts';
import { reportProgress } from './progress.ts';
import type { RunsIndex } from './runsIndex.ts';

/** How often a run's files are read: its stderr (every run), its events and process (a re-attached run). */
const POLL_MS = 500;

/**
 * Follows a run to its end: each event is forwarded to the client as `dropneuron/runEvent` (and into the
 * progress), the trainer's stderr into the server's log, and a trainer that dies before `done` becomes a `crash`
 * error event with its stderr tail (its run is then interrupted: Resume continues it); the server keeps serving.
 */
export class RunFollower {
  onFinished: (uri: string) => void = () => {};

  constructor(
    private readonly connection: Connection,
    private readonly active: ActiveRuns,
    private readonly index: RunsIndex,
  ) {}

  /** A trainer this server started: its events on its stdout, its end when its process closes. */
  followChild(run: ActiveRun, child: ChildProcess, node: string): void {
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(run, line));
    child.on('error', (error) => this.finish(run, { spawnError: error, node }));
    child.on('close', (code, signal) => this.finish(run, { code, signal }));
    this.poll(run, undefined);
  }

  /**
   * A trainer an earlier server started (re-attached): its events so far from its folder's events.jsonl, kept
   * for `dropneuron/activeRuns`, then each new one as it is written, until its process is gone.
   */
  followFolder(run: ActiveRun): void {
    const events = new FileTail(join(run.runDir, EVENTS_FILE));
    for (const line of events.read()) this.onLine(run, line, false);
    this.poll(run, events);
  }

  /** The server is going: it stops reading the runs' files (the runs train on). */
  stopFollowing(): void {
    for (const run of this.active.all()) clearInterval(run.timer);
  }

  /** One line of the trainer's event stream (its stdout, or its folder's events.jsonl once re-attached). */
  private onLine(run: ActiveRun, line: string, send = true): void {
    let event: TrainerEvent;
    try {
      event = JSON.parse(line) as TrainerEvent;
    } catch {
      this.connection.console.warn(`[trainer] a line that is not a JSON event: ${line.slice(0, 200)}`);
      return;
    }
    run.events.push(event);
    reportProgress(run, event);
    if (event.type === 'epoch') run.lastEpoch = event;
    else if (event.type === 'start') run.epochs = event.epochs;
    else if (event.type === 'done' || event.type === 'error') {
      run.ended = true;
      // The spec's latest run from now on (set here, not at process exit, so that a delete right after wins).
      if (event.type === 'done')
        this.index.finished(run.uri, { runDir: event.outputs.runDir, done: event, ...(run.lastEpoch ? { lastEpoch: run.lastEpoch } : {}) });
      if (event.type === 'error') {
        this.logFailure(run, event);
        if (run.child) this.record(run, event);
      }
    }
    if (send) this.forward(run, event);
  }

  /**
   * The trainer sends a failure (a divergence) only on stdout: its log ends at the last good epoch, which a resume
   * starts from. The server adds it to the folder's log, so that the Runs view reads the run as failed, not
   * interrupted. A failure before the run had its folder has no log to go to.
   */
  private record(run: ActiveRun, event: ErrorEvent): void {
    if (!isRunFolder(run.runDir)) return;
    try {
      new RunFolder(run.runDir).appendEvent(event);
    } catch (error) {
      this.connection.console.warn(`could not add the failure to ${run.runDir}'s log: ${(error as Error).message}`);
    }
  }

  private forward(run: ActiveRun, event: TrainerEvent): void {
    const params: RunEventParams = { uri: run.uri, runId: run.runId, event };
    void this.connection.sendNotification(RunEventNotification, params);
  }

  /**
   * Every POLL_MS: the trainer's new stderr lines into the log; for a re-attached run also its new events, and
   * whether its process is still there (when it is gone, the run is finished like a child that exited).
   */
  private poll(run: ActiveRun, events: FileTail | undefined): void {
    const stderr = FileTail.fromEnd(join(run.runDir, TRAINER_LOG));
    const tick = (): void => {
      for (const line of stderr.read()) this.connection.console.log(`[trainer] ${line}`);
      if (!events) return;
      for (const line of events.read()) this.onLine(run, line);
      if (!lockAlive(run.pid === undefined ? undefined : { pid: run.pid, started: '' })) {
        for (const line of events.read()) this.onLine(run, line);
        this.finish(run, {});
      }
    };
    run.timer = setInterval(tick, POLL_MS);
    run.timer.unref();
  }

  /** The run's process is gone: a run that never sent `done` or `error` is reported as crashed (and so interrupted). */
  private finish(run: ActiveRun, how: ProcessEnd): void {
    if (run.finished) return;
    run.finished = true;
    clearInterval(run.timer);
    this.active.remove(run);
    run.progress?.done();
    const began = isRunFolder(run.runDir);
    if (!run.ended) {
      const event = crashEvent(run, how, began);
      this.logFailure(run, event);
      this.forward(run, event);
    }
    if (run.pid !== undefined) removeLock(run.runDir, run.pid);
    // A new run whose trainer never began (a spawn that failed, a crash before its checks passed) leaves no folder.
    if (run.fresh && !began) remove(run.runDir);
    this.onFinished(run.uri);
  }

  /** The output channel gets every failure in full: the message, and the trainer's stderr. */
  private logFailure(run: ActiveRun, event: ErrorEvent): void {
    const stderr = event.stderrTail ?? stderrTail(run.runDir);
    this.connection.console.error(
      `training ${filePath(run.uri) ?? run.uri} failed (${event.kind}): ${event.message}${stderr ? `\n[trainer stderr, last lines]\n${stderr}` : ''}`,
    );
  }
}
