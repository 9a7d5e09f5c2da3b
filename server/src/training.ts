import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import type { DeleteRunResult, LiveRun, RunInfo, TrainParams, TrainResult } from '../../protocol/lsp.ts';
import { TRAINER_LOCK, type RunResult } from '../../protocol/runFolder.ts';
import { mergeOverrides, overrideArgs, overridesFromRecord } from '../../protocol/settings.ts';
import { newRunDir, readRun } from '../../store/runFolder.ts';
import { readLock } from '../../store/trainerLock.ts';
import type { CliRunner } from './cliRunner.ts';
import { settingsOverrides, type Configuration } from './config.ts';
import type { DocumentStore } from './documents.ts';
import { filePath } from './paths.ts';
import { deleteRun, outputRunFolders, runFoldersUnder, type RunPlaces } from './runs.ts';
import { ActiveRuns, type ActiveRun } from './training/activeRuns.ts';
import { resumableRun, trainableSpec } from './training/admission.ts';
import { RunFollower } from './training/followRun.ts';
import { startProgress } from './training/progress.ts';
import { RunsIndex } from './training/runsIndex.ts';
import { spawnTrainer } from './training/spawnTrainer.ts';

/**
 * Training runs owned by the server: one per document at a time. Each trainer is a detached process (the CLI's
 * `train --json`, through the CliRunner) whose stderr goes to the run folder's trainer.log and whose pid is in its
 * trainer.json: a run outlives a window reload or a server restart, and the next server re-attaches to it by
 * following the folder's events.jsonl (`reattach`). The pieces, one job each, are in training/: which requests
 * may start a trainer (admission), spawning one, the runs followed now (activeRuns), following a run to its end
 * (followRun, crash, progress) and a spec's runs and latest result (runsIndex).
 */
export class Training {
  private readonly active = new ActiveRuns();
  private readonly index = new RunsIndex();
  private readonly follower: RunFollower;
  /** Off for clients that render run progress themselves (initializationOptions.clientRendersTrainingProgress). */
  useWorkDoneProgress = true;

  constructor(
    private readonly connection: Connection,
    private readonly store: DocumentStore,
    private readonly config: Configuration,
    private readonly cli: CliRunner,
    /** The workspace folders' paths, as they are now. */
    private readonly roots: () => readonly string[],
  ) {
    this.follower = new RunFollower(connection, this.active, this.index);
  }

  /** Called with a spec's URI when one of its runs has ended (its latest run may have changed). */
  set onFinished(listener: (uri: string) => void) {
    this.follower.onFinished = listener;
  }

  latestRun(uri: string): RunResult | undefined {
    return this.index.latestRun(uri);
  }

  runs(uri: string): RunInfo[] {
    return this.index.runs(uri);
  }

  liveRuns(): LiveRun[] {
    return this.active.live();
  }

  async train(params: TrainParams): Promise<TrainResult> {
    const spec = trainableSpec(this.store, this.active, params.uri);
    if ('started' in spec) return spec;
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
    const overrides = mergeOverrides(settingsOverrides(settings), configured.overrides, params.overrides ?? {});
    const output = settings.trainer.outputFolder;
    const runDir = output ? resolve(output, `run-${Date.now()}`) : newRunDir(spec.path, spec.model.name);
    const options = ['--json', ...overrideArgs(overrides), '--out', runDir];
    const epochs = overrides.train?.epochs ?? spec.model.train.epochs;
    return this.launch(params.uri, { options, paths: [spec.path] }, runDir, epochs, true);
  }

  /** Continues an interrupted run from its last checkpoint: `dropneuron train --resume`, followed as a new run of its spec. */
  async resume(runDir: string): Promise<TrainResult> {
    const run = resumableRun(this.store, this.active, runDir, await this.places(runDir));
    if ('started' in run) return run;
    const launched = await this.launch(run.uri, { options: ['--resume', run.result.runDir, '--json'] }, run.result.runDir, run.info.epochs ?? 0, false);
    return launched.started ? { ...launched, uri: run.uri } : launched;
  }

  /** Deletes one of the editor's run folders (runs.ts, `deleteRun`) that no trainer runs in. */
  async deleteRun(runDir: string): Promise<DeleteRunResult> {
    const result = deleteRun(runDir, await this.places(runDir), (dir) => this.active.isTrainingIn(dir));
    if (result.deleted) this.index.forget(runDir);
    return result;
  }

  /** Starts a trainer for `uri` with the Node its settings name, and follows it. */
  private async launch(uri: string, args: { options: string[]; paths?: string[] }, runDir: string, epochs: number, fresh: boolean): Promise<TrainResult> {
    const node = await this.cli.node(uri);
    if ('message' in node) return { started: false, reason: 'settings', ...node };
    const runId = this.active.newRunId();
    const child = spawnTrainer(node.path, this.cli.args('train', args.options, args.paths), runDir, runId);
    const run: ActiveRun = { runId, uri, runDir, child, epochs, events: [], finished: false, fresh };
    if (child.pid !== undefined) run.pid = child.pid;
    this.active.add(run);
    if (this.useWorkDoneProgress) void startProgress(this.connection, run, () => this.stop(uri));
    this.follower.followChild(run, child, node.path);
    return { started: true, runId };
  }

  /**
   * Finds runs still training under the workspace folders (and the output folder), started by an earlier
   * server: their trainer.json names a live process. Each is followed from its events.jsonl from now on; a
   * client gets their events so far from `liveRuns`.
   */
  async reattach(): Promise<void> {
    const folders = new Set<string>();
    for (const root of this.roots()) {
      for (const runDir of runFoldersUnder(root, TRAINER_LOCK)) folders.add(runDir);
      const output = (await this.config.get(pathToFileURL(root).toString())).trainer.outputFolder;
      if (output) for (const runDir of outputRunFolders(output, TRAINER_LOCK)) folders.add(runDir);
    }
    for (const runDir of folders) {
      const lock = readLock(runDir);
      const run = readRun(runDir);
      if (!lock || !run || run.info.state !== 'running' || this.active.follows(runDir)) continue;
      const uri = pathToFileURL(run.info.specPath).toString();
      if (this.active.has(uri)) continue;
      const attached: ActiveRun = {
        runId: lock.runId ?? this.active.newRunId(),
        uri,
        runDir,
        pid: lock.pid,
        epochs: 0,
        events: [],
        finished: false,
        fresh: false,
      };
      this.active.add(attached);
      this.follower.followFolder(attached);
      this.connection.console.log(`re-attached to the run in ${runDir} (trainer pid ${lock.pid})`);
    }
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
    this.follower.stopFollowing();
  }

  /** Where the editor's run folders lie, with the output folder that applies to `runDir`. */
  private async places(runDir: string): Promise<RunPlaces> {
    const settings = await this.config.get(pathToFileURL(runDir).toString());
    const openSpecs = this.store.documents.all().flatMap((d) => filePath(d.uri) ?? []);
    return { roots: this.roots(), outputFolder: settings.trainer.outputFolder, openSpecs };
  }
}
