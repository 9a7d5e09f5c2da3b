import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { constants, setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { globSync } from 'tinyglobby';
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { EpochEvent, ErrorEvent, TrainerEvent } from '../../protocol/events.ts';
import {
  RunEventNotification,
  type BackendsReport,
  type DeleteRunResult,
  type LiveRun,
  type RunEventParams,
  type RunInfo,
  type TrainParams,
  type TrainResult,
} from '../../protocol/lsp.ts';
import { epochPercent, formatBackend, formatKeptLayers, formatNamedMetric } from '../../protocol/present.ts';
import { listRuns, newRunDir, readRun, RunFolder } from '../../store/runFolder.ts';
import { lockAlive, readLock, removeLock, writeLock } from '../../store/trainerLock.ts';
import { RUNS_FOLDER, TRAINER_LOCK, TRAINER_LOG, type RunResult, type TrainerLock } from '../../protocol/runFolder.ts';
import { mergeOverrides, overrideArgs, overridesFromRecord } from '../../protocol/settings.ts';
import { backendsReport } from './backends.ts';
import { DEFAULT_SETTINGS, settingsOverrides, type Configuration } from './config.ts';
import type { DocumentStore } from './documents.ts';
import { filePath } from './paths.ts';
import { deleteRun } from './runs.ts';
import { FileTail, lastLines } from './tail.ts';

interface ActiveRun {
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

const STDERR_TAIL_LINES = 20;
/** How often a run's files are read: its stderr (every run), its events and process (a re-attached run). */
const POLL_MS = 500;
const NODE_PATH_SETTING = 'dropneuron.trainer.nodePath';

/**
 * Training runs owned by the server: one per document at a time. Each trainer is a detached process (the CLI's
 * `train --json`, with the server's Node or `dropneuron.trainer.nodePath`) whose stderr goes to the run folder's
 * trainer.log and whose pid is in its trainer.json: a run outlives a window reload or a server restart, and the
 * next server re-attaches to it by following the folder's events.jsonl (`reattach`). Every event is forwarded to
 * the client as `dropneuron/runEvent`; progress is LSP work-done progress (cancel = stop). A trainer that dies
 * before `done` becomes a `crash` error event with its stderr tail (its run is then interrupted: `resume` continues
 * it); the server keeps serving.
 */
/**
 * Runs a trainer below normal priority: it trains on every core by default, and at normal priority it starves the
 * editor it was started from (seen on 2 cores: the command palette did not answer within 30 s while a run trained).
 * Training keeps every idle cycle; only interactive work goes first. On Linux the priority is per thread and new
 * threads inherit their creator's, so the data-parallel workers, started after this, run below normal too.
 */
const BELOW_NORMAL = constants.priority.PRIORITY_BELOW_NORMAL;
function yieldToTheEditor(pid: number): void {
  try {
    setPriority(pid, BELOW_NORMAL);
  } catch {
    // The run trains as fast either way; a system that refuses the change leaves it at normal priority.
  }
}

export class Training {
  private readonly active = new Map<string, ActiveRun>();
  private readonly latest = new Map<string, RunResult>();
  private runCount = 0;
  onFinished: (uri: string) => void = () => {};
  /** Off for clients that render run progress themselves (initializationOptions.clientRendersTrainingProgress). */
  useWorkDoneProgress = true;

  constructor(
    private readonly connection: Connection,
    private readonly store: DocumentStore,
    private readonly config: Configuration,
    private readonly cliPath: string = join(__dirname, 'cli.js'),
  ) {}

  /** The latest finished run of a document: from this session, else from its run folders on disk. */
  latestRun(uri: string): RunResult | undefined {
    const known = this.latest.get(uri);
    if (known) return known;
    const path = filePath(uri);
    if (!path) return undefined;
    const found = listRuns(path).find((r) => r.result.done)?.result;
    if (found) this.latest.set(uri, found);
    return found;
  }

  runs(uri: string): RunInfo[] {
    const path = filePath(uri);
    return path ? listRuns(path).map((r) => r.info) : [];
  }

  isRunning(uri: string): boolean {
    return this.active.has(uri);
  }

  /** Every run training now, with its events so far. */
  liveRuns(): LiveRun[] {
    return [...this.active.values()].filter((r) => !r.ended).map((r) => ({ uri: r.uri, runId: r.runId, runDir: r.runDir, events: r.events }));
  }

  /** What the trainer's Node (the one runs of `uri` would use) can train on: `dropneuron backends`. */
  async backends(uri: string | undefined): Promise<BackendsReport | { error: string }> {
    const settings = uri ? await this.config.get(uri) : DEFAULT_SETTINGS;
    return backendsReport(settings.trainer.nodePath || process.execPath, this.cliPath);
  }

  /** Whether a run is still training in `runDir`: one of this server's, or any process its lock names. */
  isTrainingIn(runDir: string): boolean {
    const mine = [...this.active.values()].some((run) => !run.ended && resolve(run.runDir) === resolve(runDir));
    return mine || lockAlive(readLock(runDir));
  }

  /** Deletes a run folder (see deleteRun in runs.ts); the configured output folder counts as a runs folder. */
  async deleteRun(runDir: string): Promise<DeleteRunResult> {
    const settings = await this.config.get(pathToFileURL(runDir).toString());
    const result = deleteRun(runDir, (dir) => this.isTrainingIn(dir), settings.trainer.outputFolder);
    if (result.deleted) this.forget(runDir);
    return result;
  }

  /** Forgets what a deleted run folder said (its spec's latest run is read again from disk). */
  forget(runDir: string): void {
    for (const [uri, result] of this.latest) if (resolve(result.runDir) === resolve(runDir)) this.latest.delete(uri);
  }

  async train(params: TrainParams): Promise<TrainResult> {
    const path = filePath(params.uri);
    if (!path)
      return { started: false, reason: 'not-a-file', message: `Only a spec saved as a file can be trained, and ${params.uri} is not one: save it first.` };
    const name = basename(path);
    if (this.active.has(params.uri))
      return { started: false, reason: 'busy', message: `${name} is already training: stop that run first, or wait for it to finish.` };
    // Only a .dnn spec the client has open: a request cannot make the server run the trainer on any path.
    const entry = this.store.get(params.uri);
    if (!entry || extname(path) !== '.dnn') {
      return {
        started: false,
        reason: 'not-a-file',
        message: entry
          ? `Only a .dnn spec can be trained, and ${path} is not one.`
          : `Only a spec open in the editor can be trained, and ${path} is not open: open it first.`,
      };
    }
    const model = entry.analysis.model;
    if (entry.analysis.hasErrors || !model) {
      const count = entry.analysis.diagnostics.filter((d) => d.severity === 'error').length;
      return {
        started: false,
        reason: 'errors',
        message: `${name} has ${count} error${count === 1 ? '' : 's'}: fix ${count === 1 ? 'it' : 'them'} first (the Problems panel lists them).`,
      };
    }
    if (!existsSync(path)) return { started: false, reason: 'not-a-file', message: `${path} is not on disk yet: save it first.` };
    const settings = await this.config.get(params.uri);
    const configured = overridesFromRecord(settings.trainer.overrides);
    if (configured.problems.length) {
      return {
        started: false,
        reason: 'settings',
        setting: 'dropneuron.trainer.overrides',
        message: `The setting dropneuron.trainer.overrides has entries a run cannot take — ${configured.problems.join('; ')}: correct them in the settings.`,
      };
    }
    const node = this.trainerNode(settings.trainer.nodePath);
    if ('message' in node) return node;
    const overrides = mergeOverrides(settingsOverrides(settings), configured.overrides, params.overrides ?? {});
    const runDir = settings.trainer.outputFolder ? join(settings.trainer.outputFolder, `run-${Date.now()}`) : newRunDir(path, model.name);
    const args = [this.cliPath, 'train', path, '--json', ...overrideArgs(overrides), '--out', runDir];
    const epochs = overrides.train?.epochs ?? model.train.epochs;
    return { started: true, runId: this.launch(params.uri, node.path, args, runDir, epochs, true) };
  }

  /** Continues an interrupted run from its last checkpoint: `dropneuron train --resume`, followed as a new run of its spec. */
  async resume(runDir: string): Promise<TrainResult> {
    const run = readRun(resolve(runDir));
    if (!run) return { started: false, reason: 'not-a-file', message: `There is no run at ${runDir} (a run folder holds run.json): it may have been deleted.` };
    const state = run.info.state;
    if (state !== 'interrupted') {
      const why = state === 'running' ? 'it is still training' : state === 'done' ? 'it has finished' : 'it ended with an error: train the spec again instead';
      return { started: false, reason: 'busy', message: `The run ${basename(runDir)} cannot be resumed: ${why}.` };
    }
    const uri = pathToFileURL(run.info.specPath).toString();
    if (this.active.has(uri)) return { started: false, reason: 'busy', message: `${basename(run.info.specPath)} is already training: stop that run first.` };
    const settings = await this.config.get(uri);
    const node = this.trainerNode(settings.trainer.nodePath);
    if ('message' in node) return node;
    const args = [this.cliPath, 'train', '--resume', run.result.runDir, '--json'];
    return { started: true, runId: this.launch(uri, node.path, args, run.result.runDir, run.info.epochs ?? 0, false), uri };
  }

  /** The Node to run the trainer with, or why the configured one cannot be (before anything is spawned). */
  private trainerNode(configured: string): { path: string } | Extract<TrainResult, { started: false }> {
    if (!configured) return { path: process.execPath };
    let fault: string | undefined;
    try {
      if (!statSync(configured).isFile()) fault = 'is not a file';
    } catch {
      fault = 'does not exist';
    }
    if (!fault) return { path: configured };
    return {
      started: false,
      reason: 'settings',
      setting: NODE_PATH_SETTING,
      message: `The Node that ${NODE_PATH_SETTING} names (${configured}) ${fault}: set it to a Node 20 or later, or clear it to train with the editor's own.`,
    };
  }

  /** Starts a detached trainer writing its stderr to the run folder, records its pid there, and follows it. */
  private launch(uri: string, node: string, args: string[], runDir: string, epochs: number, fresh: boolean): string {
    const runId = `run-${process.pid}-${++this.runCount}`;
    mkdirSync(runDir, { recursive: true });
    const log = openSync(join(runDir, TRAINER_LOG), 'a');
    let child: ChildProcess;
    try {
      // Detached: its own process group, so that closing the window (and this server) does not end the run.
      child = spawn(node, args, { detached: true, stdio: ['pipe', 'pipe', log], windowsHide: true });
    } finally {
      closeSync(log);
    }
    child.unref();
    if (child.pid !== undefined) yieldToTheEditor(child.pid);
    if (child.pid !== undefined) writeLock(runDir, { pid: child.pid, started: new Date().toISOString(), runId });
    const run: ActiveRun = { runId, uri, runDir, child, epochs, events: [], finished: false, fresh };
    if (child.pid !== undefined) run.pid = child.pid;
    this.active.set(uri, run);
    if (this.useWorkDoneProgress) void this.startProgress(uri, run);
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(run, line));
    child.on('error', (error) => this.finish(run, { spawnError: error, node }));
    child.on('close', (code, signal) => this.finish(run, { code, signal }));
    this.poll(run, undefined);
    return runId;
  }

  /**
   * Finds runs still training under the workspace folders (and the output folder), started by an earlier
   * server: their trainer.json names a live process. Each is followed from its events.jsonl from now on; a
   * client gets their events so far from `liveRuns`.
   */
  async reattach(roots: readonly string[]): Promise<void> {
    const folders = new Set<string>();
    for (const root of roots) {
      const pattern = `**/${RUNS_FOLDER.split(/[\\/]/).join('/')}/*/${TRAINER_LOCK}`;
      for (const lock of globSync(pattern, { cwd: root, dot: true, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'] })) folders.add(dirname(lock));
      const output = (await this.config.get(pathToFileURL(root).toString())).trainer.outputFolder;
      if (output) for (const lock of globSync(`*/${TRAINER_LOCK}`, { cwd: output, absolute: true })) folders.add(dirname(lock));
    }
    for (const runDir of folders) {
      const lock = readLock(runDir);
      const run = readRun(runDir);
      if (!lock || !run || run.info.state !== 'running' || this.isFollowing(runDir)) continue;
      this.attach(runDir, lock, pathToFileURL(run.info.specPath).toString());
    }
  }

  private isFollowing(runDir: string): boolean {
    return [...this.active.values()].some((r) => resolve(r.runDir) === resolve(runDir));
  }

  private attach(runDir: string, lock: TrainerLock, uri: string): void {
    if (this.active.has(uri)) return;
    const events = new FileTail(join(runDir, 'events.jsonl'));
    const run: ActiveRun = {
      runId: lock.runId ?? `run-${process.pid}-${++this.runCount}`,
      uri,
      runDir,
      pid: lock.pid,
      epochs: 0,
      events: [],
      finished: false,
      fresh: false,
    };
    for (const line of events.read()) this.onLine(run, line, false);
    this.active.set(uri, run);
    this.connection.console.log(`re-attached to the run in ${runDir} (trainer pid ${lock.pid})`);
    this.poll(run, events);
  }

  stop(uri: string): boolean {
    const run = this.active.get(uri);
    if (!run || run.ended) return false;
    if (run.child?.stdin?.writable) {
      run.child.stdin.write(JSON.stringify({ type: 'stop' }) + '\n');
      return true;
    }
    // A re-attached run has no stdin: SIGTERM, which the trainer also takes as "stop after this batch".
    if (run.pid === undefined) return false;
    try {
      process.kill(run.pid, 'SIGTERM');
      return true;
    } catch {
      return false;
    }
  }

  /** The server is going (a reload, a restart): its runs train on, and the next server re-attaches to them. */
  detach(): void {
    for (const run of this.active.values()) clearInterval(run.timer);
  }

  private async startProgress(uri: string, run: ActiveRun): Promise<void> {
    try {
      const progress = await this.connection.window.createWorkDoneProgress();
      if (run.finished) {
        progress.done();
        return;
      }
      run.progress = progress;
      progress.begin('DropNeuron training', 0, 'starting…', true);
      progress.token.onCancellationRequested(() => this.stop(uri));
    } catch {
      // The client does not support server-initiated progress: the run events still flow.
    }
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
    if (event.type === 'epoch') {
      run.lastEpoch = event;
      run.progress?.report(
        Math.round(epochPercent(event)),
        `epoch ${event.epoch}/${event.epochs} · ${formatNamedMetric(event.metric, event.testMetric)} · kept ${formatKeptLayers(event.layers)}`,
      );
    } else if (event.type === 'start') {
      run.epochs = event.epochs;
      run.progress?.report(0, `epoch ${event.startEpoch}/${event.epochs} on ${formatBackend(event)}…`);
    } else if (event.type === 'done' || event.type === 'error') {
      run.ended = true;
      // The spec's latest run from now on (set here, not at process exit, so that a delete right after wins).
      if (event.type === 'done')
        this.latest.set(run.uri, { runDir: event.outputs.runDir, done: event, ...(run.lastEpoch ? { lastEpoch: run.lastEpoch } : {}) });
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
    if (!existsSync(join(run.runDir, 'run.json'))) return;
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
    const stderr = new FileTail(join(run.runDir, TRAINER_LOG), this.logSize(run.runDir));
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

  private logSize(runDir: string): number {
    try {
      return statSync(join(runDir, TRAINER_LOG)).size;
    } catch {
      return 0;
    }
  }

  /** The run's process is gone: a run that never sent `done` or `error` is reported as crashed (and so interrupted). */
  private finish(run: ActiveRun, how: { code?: number | null; signal?: NodeJS.Signals | null; spawnError?: Error; node?: string }): void {
    if (run.finished) return;
    run.finished = true;
    clearInterval(run.timer);
    if (this.active.get(run.uri) === run) this.active.delete(run.uri);
    run.progress?.done();
    const began = existsSync(join(run.runDir, 'run.json'));
    if (!run.ended) {
      const event = this.crashEvent(run, how, began);
      this.logFailure(run, event);
      this.forward(run, event);
    }
    if (run.pid !== undefined) removeLock(run.runDir, run.pid);
    // A new run whose trainer never began (a spawn that failed, a crash before its checks passed) leaves no folder.
    if (run.fresh && !began) rmSync(run.runDir, { recursive: true, force: true });
    this.onFinished(run.uri);
  }

  private crashEvent(
    run: ActiveRun,
    how: { code?: number | null; signal?: NodeJS.Signals | null; spawnError?: Error; node?: string },
    began: boolean,
  ): ErrorEvent {
    const stderrTail = lastLines(join(run.runDir, TRAINER_LOG), STDERR_TAIL_LINES);
    const base = { v: 1, type: 'error', kind: 'crash', stderrTail } as const;
    if (how.spawnError) {
      const code = (how.spawnError as NodeJS.ErrnoException).code;
      const fault =
        code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be run (it is not executable)' : `cannot be run (${how.spawnError.message})`;
      const node = how.node ?? 'Node';
      return {
        ...base,
        setting: NODE_PATH_SETTING,
        message: `The trainer could not start: the Node at ${node} ${fault}. Set ${NODE_PATH_SETTING} to a Node 20 or later, or clear it to train with the editor's own.`,
      };
    }
    const why = how.signal
      ? `it was killed by ${how.signal}`
      : how.code !== undefined && how.code !== null
        ? `it exited with code ${how.code}`
        : 'its process is gone';
    if (!began) return { ...base, message: `The trainer stopped before training began (${why}): Show Log has its output.` };
    const epoch = run.lastEpoch ? `after epoch ${run.lastEpoch.epoch}` : 'before its first epoch finished';
    return {
      ...base,
      runDir: run.runDir,
      message: `The run ${basename(run.runDir)} was interrupted ${epoch} (${why}): Resume continues it from its last checkpoint, and Show Log has the trainer's output.`,
    };
  }

  /** The output channel gets every failure in full: the message, and the trainer's stderr. */
  private logFailure(run: ActiveRun, event: ErrorEvent): void {
    const stderr = event.stderrTail ?? lastLines(join(run.runDir, TRAINER_LOG), STDERR_TAIL_LINES);
    this.connection.console.error(
      `training ${filePath(run.uri) ?? run.uri} failed (${event.kind}): ${event.message}${stderr ? `\n[trainer stderr, last lines]\n${stderr}` : ''}`,
    );
  }
}
