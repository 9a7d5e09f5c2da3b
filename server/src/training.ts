import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { DoneEvent, EpochEvent, ErrorEvent, TrainerEvent } from '../../protocol/events.ts';
import {
  RunEventNotification,
  type BackendsReport,
  type DeleteRunResult,
  type RunEventParams,
  type RunInfo,
  type TrainParams,
  type TrainResult,
} from '../../protocol/lsp.ts';
import { epochPercent, formatBackend, formatKeptLayers, formatNamedMetric } from '../../protocol/present.ts';
import { listRuns, type RunResult } from '../../protocol/runFolder.ts';
import { mergeOverrides, overrideArgs, overridesFromRecord } from '../../protocol/settings.ts';
import { backendsReport } from './backends.ts';
import { deleteRun } from './runs.ts';
import { DEFAULT_SETTINGS, settingsOverrides, type Configuration } from './config.ts';
import type { DocumentStore } from './documents.ts';
import { filePath } from './paths.ts';

interface ActiveRun {
  runId: string;
  /** Known once the trainer's start event arrives. */
  runDir?: string;
  /** The trainer has sent `done` or `error` (its process may take a moment longer to exit). */
  ended?: boolean;
  child: ChildProcess;
  progress?: WorkDoneProgressServerReporter;
  epochs: number;
  lastEpoch?: EpochEvent;
  finished: boolean;
}

const STDERR_TAIL_LINES = 20;

/**
 * Training runs owned by the server: one per document at a time, each a child process running the trainer's
 * `--json` mode with the same Node as the server (or `dropneuron.trainer.nodePath`). Every event is forwarded
 * to the client as `dropneuron/runEvent`; progress is LSP work-done progress (cancel = stop). A trainer that
 * crashes becomes an `error` event with its stderr tail; the server keeps serving.
 */
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

  /** What the trainer's Node (the one runs of `uri` would use) can train on: `dropneuron backends`. */
  async backends(uri: string | undefined): Promise<BackendsReport | { error: string }> {
    const settings = uri ? await this.config.get(uri) : DEFAULT_SETTINGS;
    return backendsReport(settings.trainer.nodePath || process.execPath, this.cliPath);
  }

  /** Whether a run of this session is still training in `runDir`. */
  isTrainingIn(runDir: string): boolean {
    return [...this.active.values()].some((run) => !run.ended && run.runDir !== undefined && resolve(run.runDir) === resolve(runDir));
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
    if (!path) return { started: false, reason: 'not-a-file', message: `expected a file: URI, found ${params.uri}` };
    if (this.active.has(params.uri)) return { started: false, reason: 'busy', message: 'expected no run of this spec in progress, found one: stop it first' };
    // Only a .dnn spec the client has open: a request cannot make the server run the trainer on any path.
    const entry = this.store.get(params.uri);
    if (!entry || extname(path) !== '.dnn') {
      return { started: false, reason: 'not-a-file', message: `expected a .dnn spec open in the editor, found ${entry ? path : `${path} not open`}` };
    }
    if (entry.analysis.hasErrors) {
      const count = entry.analysis.diagnostics.filter((d) => d.severity === 'error').length;
      return {
        started: false,
        reason: 'errors',
        message: `expected a spec without errors, found ${count} error${count === 1 ? '' : 's'}: see the Problems panel`,
      };
    }
    if (!existsSync(path)) return { started: false, reason: 'not-a-file', message: `expected ${path} on disk, found no file: save it first` };
    const settings = await this.config.get(params.uri);
    const configured = overridesFromRecord(settings.trainer.overrides);
    if (configured.problems.length) {
      return { started: false, reason: 'settings', message: `expected valid \`dropneuron.trainer.overrides\`, found: ${configured.problems.join('; ')}` };
    }
    const overrides = mergeOverrides(settingsOverrides(settings), configured.overrides, params.overrides ?? {});
    const args = [this.cliPath, 'train', path, '--json', ...overrideArgs(overrides)];
    if (settings.trainer.outputFolder) args.push('--out', join(settings.trainer.outputFolder, `run-${Date.now()}`));
    const node = settings.trainer.nodePath || process.execPath;
    const runId = `run-${++this.runCount}`;
    const child = spawn(node, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const run: ActiveRun = { runId, child, epochs: overrides.train?.epochs ?? entry?.analysis.model?.train.epochs ?? 0, finished: false };
    this.active.set(params.uri, run);
    if (this.useWorkDoneProgress) void this.startProgress(params.uri, run);
    this.follow(params.uri, run);
    return { started: true, runId };
  }

  stop(uri: string): boolean {
    const run = this.active.get(uri);
    if (!run) return false;
    run.child.stdin?.write(JSON.stringify({ type: 'stop' }) + '\n');
    return true;
  }

  /** Stops every run (server shutdown). */
  stopAll(): void {
    for (const uri of this.active.keys()) this.stop(uri);
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

  private follow(uri: string, run: ActiveRun): void {
    const stderr: string[] = [];
    let terminal: DoneEvent | ErrorEvent | undefined;
    const forward = (event: TrainerEvent): void => {
      const params: RunEventParams = { uri, runId: run.runId, event };
      void this.connection.sendNotification(RunEventNotification, params);
    };
    createInterface({ input: run.child.stderr! }).on('line', (line) => {
      stderr.push(line);
      if (stderr.length > STDERR_TAIL_LINES) stderr.shift();
      this.connection.console.log(`[trainer] ${line}`);
    });
    createInterface({ input: run.child.stdout! }).on('line', (line) => {
      let event: TrainerEvent;
      try {
        event = JSON.parse(line) as TrainerEvent;
      } catch {
        this.connection.console.warn(`[trainer] expected a JSON event, found: ${line.slice(0, 200)}`);
        return;
      }
      if (event.type === 'epoch') {
        run.lastEpoch = event;
        run.progress?.report(
          Math.round(epochPercent(event)),
          `epoch ${event.epoch}/${event.epochs} · ${formatNamedMetric(event.metric, event.testMetric)} · kept ${formatKeptLayers(event.layers)}`,
        );
      } else if (event.type === 'start') {
        run.epochs = event.epochs;
        run.runDir = event.runDir;
        run.progress?.report(0, `epoch ${event.startEpoch}/${event.epochs} on ${formatBackend(event)}…`);
      } else if (event.type === 'done' || event.type === 'error') {
        terminal = event;
        run.ended = true;
        // The spec's latest run from now on (set here, not at process exit, so that a delete right after wins).
        if (event.type === 'done') this.latest.set(uri, { runDir: event.outputs.runDir, done: event, ...(run.lastEpoch ? { lastEpoch: run.lastEpoch } : {}) });
      }
      forward(event);
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
      if (run.finished) return;
      run.finished = true;
      this.active.delete(uri);
      run.progress?.done();
      if (!terminal) {
        const why = spawnError ? `could not start: ${spawnError.message}` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const event: ErrorEvent = {
          v: 1,
          type: 'error',
          kind: 'crash',
          message: `expected the trainer to finish, found it ${why}`,
          stderrTail: stderr.join('\n'),
        };
        this.connection.console.error(event.message);
        forward(event);
      }
      this.onFinished(uri);
    };
    run.child.on('error', (error) => finish(null, null, error));
    run.child.on('close', (code, signal) => finish(code, signal));
  }
}
