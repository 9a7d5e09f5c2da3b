/**
 * The run folder on disk (its format: protocol/runFolder.ts): the writer the trainer uses (`RunFolder`), the
 * readers of a run for lists (`readEvents`, `readRun`, `listRuns`), and where a new run goes (`newRunDir`).
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { DoneEvent, EpochEvent, StartEvent, TrainerEvent } from '../protocol/events.ts';
import {
  CHECKPOINT_POINTER,
  CHECKPOINT_PREFIX,
  EVENTS_FILE,
  isCheckpointEntry,
  isRunEntry,
  TRAINER_LOCK,
  TRAINER_LOG,
  RUN_MANIFEST,
  RUNS_FOLDER,
  runSummaryOf,
  type CheckpointState,
  type RunInfo,
  type RunManifest,
  type RunResult,
} from '../protocol/runFolder.ts';
import { appendNoFollow, io, remove, RunFolderError, writeAtomic } from './files.ts';
import { lockAlive, readLock, runState } from './trainerLock.ts';

/** The spec path as run.json keeps it: relative to the run folder, with '/' on every platform. */
export function storedSpecPath(runDir: string, specPath: string): string {
  return relative(runDir, specPath).split(sep).join('/');
}

/** The absolute spec path of a run folder's run.json: relative ones (now) and absolute ones (older runs) alike. */
export function specPathOf(runDir: string, stored: string): string {
  return isAbsolute(stored) ? stored : resolve(runDir, stored);
}

/** `.dropneuron/runs/<model>-<yyyymmdd-hhmmss>/` beside the spec. */
export function newRunDir(specPath: string, model: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const base = join(dirname(specPath), RUNS_FOLDER, `${model}-${stamp}`);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}

/** What `RunFolder.create` checks before a run starts in `dir` (its doc comment says what is taken and what refused). */
function prepareRunDir(dir: string, specPath: string, replace: boolean): void {
  const stat = io(dir, 'look at the run folder', () => (existsSync(dir) || isLink(dir) ? lstatSync(dir) : undefined));
  function refuse(found: string, ways = 'choose another --out'): never {
    throw new RunFolderError(`${dir}: expected a new or empty folder for the run, found ${found}; ${ways} (nothing was changed)`);
  }
  if (!stat) {
    // mkdir returns the first folder it made, nothing when the folder appeared meanwhile: then it is not ours.
    const made = io(dir, 'create the run folder', () => mkdirSync(dir, { recursive: true }));
    if (made === undefined) refuse('a folder that appeared while the run started');
    return;
  }
  if (stat.isSymbolicLink()) refuse('a symbolic link');
  if (!stat.isDirectory()) refuse('a file');
  const entries = io(dir, 'list the run folder', () => readdirSync(dir));
  const link = entries.find((e) => isLink(join(dir, e)));
  if (link) refuse(`a symbolic link ${join(dir, link)} (a run folder holds no links)`);
  // Only what a starting run's process writes: the language server's lock and log for this trainer.
  if (entries.every((e) => e === TRAINER_LOCK || e === TRAINER_LOG)) return;
  const previous = entries.includes(RUN_MANIFEST) ? readRun(dir) : undefined;
  if (!previous) {
    const files = entries.filter((e) => e !== TRAINER_LOCK && e !== TRAINER_LOG);
    const some = `${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}`;
    refuse(`${files.length} file${files.length === 1 ? '' : 's'} and no run.json, so no run of ours (${some})`);
  }
  if (resolve(previous.info.specPath) !== resolve(specPath)) refuse(`a run of another spec (${previous.info.specPath})`);
  const lock = readLock(dir);
  if (lock && lock.pid !== process.pid && lockAlive(lock))
    refuse(`a run of this spec training there now (process ${lock.pid})`, 'stop it first, or choose another --out');
  if (!replace) {
    const finished = previous.info.finished && !previous.info.stopped;
    refuse(
      `${finished ? 'a finished' : 'an unfinished'} run of this spec`,
      `${finished ? '' : `continue it with --resume ${dir}, `}choose another --out, or pass --replace to replace it (only the run's own files are removed)`,
    );
  }
  // The user's own files beside the run stay.
  for (const entry of entries) {
    if (isRunEntry(entry) && entry !== TRAINER_LOCK && entry !== TRAINER_LOG)
      io(join(dir, entry), 'remove the earlier run', () => rmSync(join(dir, entry), { recursive: true }));
  }
}

/** Whether `path` is a symbolic link (false when missing). */
function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Whether `runDir` holds a run (its run.json): the trainer has begun in it. */
export function isRunFolder(runDir: string): boolean {
  return existsSync(join(runDir, RUN_MANIFEST));
}

/**
 * Deletes a run: the entries the run format owns, then the folder if that leaves it empty. Files of the user's
 * beside the run stay (and so does the folder that holds them). The caller checks that this is a run to delete.
 */
export function deleteRunFolder(runDir: string): void {
  for (const entry of io(runDir, 'list the run folder', () => readdirSync(runDir))) {
    if (isRunEntry(entry)) io(join(runDir, entry), 'delete the run', () => rmSync(join(runDir, entry), { recursive: true, force: true }));
  }
  if (!readdirSync(runDir).length) io(runDir, 'delete the run folder', () => rmSync(runDir, { recursive: true }));
}

export class RunFolder {
  constructor(readonly dir: string) {}

  get eventsPath(): string {
    return join(this.dir, EVENTS_FILE);
  }

  private get pointerPath(): string {
    return join(this.dir, CHECKPOINT_POINTER);
  }

  /**
   * Starts a new run in the folder: creates it, or takes one that holds nothing but what a starting run's
   * process wrote (trainer.json, trainer.log). Anything else is refused with one sentence, nothing changed: a
   * link, files no run wrote, or an earlier run — that one is replaced only when `replace` is asked for, only
   * when it ran the same spec and is not training, and then only the run format's own files go.
   */
  create(manifest: RunManifest, replace = false): void {
    prepareRunDir(this.dir, manifest.specPath, replace);
    const manifestPath = join(this.dir, RUN_MANIFEST);
    const stored = { ...manifest, specPath: storedSpecPath(this.dir, manifest.specPath) };
    io(manifestPath, 'write the run manifest', () => writeAtomic(manifestPath, JSON.stringify(stored, null, 2)));
    // Exclusively: a file or a link already there is an error, never written through.
    io(this.eventsPath, 'create the event log', () => writeFileSync(this.eventsPath, '', { flag: 'wx' }));
  }

  manifest(): RunManifest {
    const path = join(this.dir, RUN_MANIFEST);
    if (!existsSync(path)) throw new RunFolderError(`${this.dir}: expected a run folder with run.json, found none`);
    const text = io(path, 'read the run manifest', () => readFileSync(path, 'utf8'));
    let manifest: RunManifest;
    try {
      manifest = JSON.parse(text) as RunManifest;
    } catch {
      throw new RunFolderError(`${path}: expected the run manifest (JSON), found text that does not parse`);
    }
    return typeof manifest.specPath === 'string' ? { ...manifest, specPath: specPathOf(this.dir, manifest.specPath) } : manifest;
  }

  /**
   * Appends one event to the log, as it happens: the log only grows. An append cut short (a full disk) is
   * cut back off, so the log never holds half a line that the next append would run into.
   */
  appendEvent(event: TrainerEvent): void {
    const path = this.eventsPath;
    io(path, 'append to the event log', () => {
      const size = existsSync(path) ? statSync(path).size : 0;
      try {
        appendNoFollow(path, JSON.stringify(event) + '\n');
      } catch (error) {
        try {
          truncateSync(path, size);
        } catch {
          // The reader skips a line that does not parse.
        }
        throw error;
      }
    });
  }

  /**
   * Makes the log agree with the checkpoint a resumed run starts from (`epoch`; 0 when there is none): epoch
   * events after it go (those epochs train again), the checkpoint's own epoch event is appended when the log
   * lacks it (a kill between the checkpoint and the append), and lines that do not parse (an append cut short)
   * are dropped. Rewrites the log atomically, once per resume; returns what it now holds.
   */
  resumeEvents(epoch: number, event: EpochEvent | undefined): TrainerEvent[] {
    const events = readEvents(this.dir).filter((e) => e.type !== 'epoch' || e.epoch <= epoch);
    if (event && event.epoch === epoch && !events.some((e) => e.type === 'epoch' && e.epoch === epoch)) events.push(event);
    io(this.eventsPath, 'rewrite the event log', () => writeAtomic(this.eventsPath, events.map((e) => JSON.stringify(e) + '\n').join('')));
    return events;
  }

  /**
   * Saves a checkpoint: tensors and state go to `checkpoint-<epoch>.partial/`, which is renamed to
   * `checkpoint-<epoch>/` once complete; then `checkpoint.json` is switched to it atomically, then older
   * folders are removed. A kill at any point leaves the last complete checkpoint readable; a failure (a full
   * disk) removes what this checkpoint wrote, so the folder holds exactly the last complete one, and throws a
   * RunFolderError naming the path.
   */
  saveCheckpoint(state: CheckpointState, tensors: Float32Array[]): void {
    const name = `${CHECKPOINT_PREFIX}${state.epoch}`;
    const folder = join(this.dir, name);
    const partial = `${folder}.partial`;
    const what = `write the checkpoint of epoch ${state.epoch}`;
    const previous = this.pointedFolder();
    let switched = false;
    try {
      io(partial, what, () => {
        rmSync(partial, { recursive: true, force: true });
        mkdirSync(partial);
      });
      const weights = join(partial, 'weights.bin');
      io(weights, what, () => writeFileSync(weights, Buffer.concat(tensors.map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength)))));
      const statePath = join(partial, 'state.json');
      io(statePath, what, () => writeFileSync(statePath, JSON.stringify(state)));
      io(folder, what, () => {
        if (name !== previous) rmSync(folder, { recursive: true, force: true });
        renameSync(partial, folder);
      });
      io(this.pointerPath, what, () => writeAtomic(this.pointerPath, JSON.stringify({ folder: name, epoch: state.epoch })));
      switched = true;
    } finally {
      if (!switched) {
        remove(partial);
        if (name !== previous) remove(folder);
      }
    }
    // Older checkpoints, and partial ones a kill left behind, go once the pointer has moved on.
    for (const entry of io(this.dir, 'list the run folder', () => readdirSync(this.dir))) {
      if (isCheckpointEntry(entry) && entry !== name) remove(join(this.dir, entry));
    }
  }

  /** The folder `checkpoint.json` names, if it names one. */
  private pointedFolder(): string | undefined {
    try {
      return basename((JSON.parse(readFileSync(this.pointerPath, 'utf8')) as { folder: string }).folder);
    } catch {
      return undefined;
    }
  }

  loadCheckpoint(): { state: CheckpointState; tensors: Float32Array[] } | undefined {
    const pointer = this.pointerPath;
    if (!existsSync(pointer)) return undefined;
    const folder = this.pointedFolder();
    if (!folder) throw new RunFolderError(`${pointer}: expected {"folder": …} naming the last checkpoint, found text that does not parse (damaged checkpoint)`);
    const statePath = join(this.dir, folder, 'state.json');
    let state: CheckpointState;
    try {
      state = JSON.parse(io(statePath, 'read the checkpoint', () => readFileSync(statePath, 'utf8'))) as CheckpointState;
    } catch (error) {
      if (error instanceof RunFolderError) throw error;
      throw new RunFolderError(`${statePath}: expected the checkpoint's state (JSON), found text that does not parse (damaged checkpoint)`);
    }
    const weightsPath = join(this.dir, folder, 'weights.bin');
    const bytes = io(weightsPath, 'read the checkpoint', () => readFileSync(weightsPath));
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    let offset = 0;
    const tensors = state.tensors.map((t) => {
      const size = t.shape.reduce((a, b) => a * b, 1);
      const slice = all.slice(offset, offset + size);
      offset += size;
      return slice;
    });
    if (offset !== all.length) throw new RunFolderError(`${this.dir}: expected ${offset} checkpoint values, found ${all.length} (damaged checkpoint)`);
    return { state, tensors };
  }

  /** The epoch event of the checkpoint `state`, from `event`, or from `events` in a checkpoint written before the log was append-only. */
  static checkpointEvent(state: CheckpointState): EpochEvent | undefined {
    return state.event ?? state.events?.find((e): e is EpochEvent => e.type === 'epoch' && e.epoch === state.epoch);
  }
}

/** The events a run folder holds (an unreadable line is skipped). */
export function readEvents(runDir: string): TrainerEvent[] {
  const path = join(runDir, EVENTS_FILE);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as TrainerEvent];
      } catch {
        return [];
      }
    });
}

/** One run folder as lists show it, or undefined for a folder that is not (yet) a run. */
export function readRun(runDir: string): { info: RunInfo; result: RunResult; time: number } | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(runDir, RUN_MANIFEST), 'utf8')) as { specPath: string; started: string };
    const events = readEvents(runDir);
    const start = events.find((e): e is StartEvent => e.type === 'start');
    // The last `done`: re-exporting a finished run (`--resume` on it) appends a newer one.
    const done = events.filter((e): e is DoneEvent => e.type === 'done').at(-1);
    const lastEpoch = events.filter((e): e is EpochEvent => e.type === 'epoch').at(-1);
    const info: RunInfo = {
      runDir,
      specPath: specPathOf(runDir, manifest.specPath),
      started: manifest.started,
      model: start?.model ?? basename(runDir),
      finished: !!done,
    };
    if (start) Object.assign(info, { backend: start.backend, epochs: start.epochs, metric: start.metric });
    if (start?.overrides) info.overrides = start.overrides;
    if (lastEpoch) info.epochsCompleted = lastEpoch.epoch;
    info.state = runState(runDir, events);
    if (done)
      Object.assign(info, {
        stopped: done.stopped,
        compactSizes: done.summary.compactSizes,
        epochsCompleted: done.epochsCompleted,
        summary: runSummaryOf(done.summary),
      });
    const result: RunResult = { runDir };
    if (done) result.done = done;
    if (lastEpoch) result.lastEpoch = lastEpoch;
    return { info, result, time: Date.parse(manifest.started) || statSync(runDir).mtimeMs };
  } catch {
    return undefined; // not a run folder, or a half-written one
  }
}

/** Past runs of a spec file, newest first, from `.dropneuron/runs/*` beside it whose run.json names it. */
export function listRuns(specPath: string): { info: RunInfo; result: RunResult }[] {
  const root = join(dirname(specPath), RUNS_FOLDER);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => readRun(join(root, name)))
    .filter((r): r is NonNullable<typeof r> => !!r && resolve(r.info.specPath) === resolve(specPath))
    .sort((a, b) => b.time - a.time)
    .map(({ info, result }) => ({ info, result }));
}
