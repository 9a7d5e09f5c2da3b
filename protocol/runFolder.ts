import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Overrides } from '../language/index.ts';
import type { DoneEvent, EpochEvent, Metric, StartEvent, TrainerEvent } from './events.ts';
import { writeAtomic } from './files.ts';

/** What a checkpoint holds besides the tensors. */
export interface CheckpointState {
  epoch: number;
  rngState: number;
  /** Names and shapes of the tensors in weights.bin, in order: the network's variables, then the optimizer's. */
  tensors: { name: string; shape: number[]; group: 'variable' | 'optimizer' }[];
  /** The epoch events so far, so a resumed run can replay them to a late viewer. */
  events: TrainerEvent[];
}

/** How a run was started: enough to resume it from the folder alone. */
export interface RunManifest {
  version: 1;
  specPath: string;
  /** The spec text as it was when the run started: a resumed run trains this, not the edited file. */
  spec: string;
  /** Settings that replace the spec's (the run options are kept apart: `limit`). */
  overrides: Overrides;
  limit?: number;
  started: string;
}

export const RUNS_FOLDER = join('.dropneuron', 'runs');

/** `.dropneuron/runs/<model>-<yyyymmdd-hhmmss>/` beside the spec. */
export function newRunDir(specPath: string, model: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const base = join(dirname(specPath), RUNS_FOLDER, `${model}-${stamp}`);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}

export class RunFolder {
  constructor(readonly dir: string) {}

  get eventsPath(): string {
    return join(this.dir, 'events.jsonl');
  }

  create(manifest: RunManifest): void {
    mkdirSync(this.dir, { recursive: true });
    writeAtomic(join(this.dir, 'run.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(this.eventsPath, '');
  }

  manifest(): RunManifest {
    const path = join(this.dir, 'run.json');
    if (!existsSync(path)) throw new Error(`${this.dir}: expected a run folder with run.json, found none`);
    return JSON.parse(readFileSync(path, 'utf8')) as RunManifest;
  }

  appendEvent(event: TrainerEvent): void {
    appendFileSync(this.eventsPath, JSON.stringify(event) + '\n');
  }

  /**
   * Saves a checkpoint: tensors and state go to a new `checkpoint-<epoch>/` folder, then `checkpoint.json`
   * is switched to it atomically, then older folders are removed. A kill at any point leaves the last
   * complete checkpoint readable.
   */
  saveCheckpoint(state: CheckpointState, tensors: Float32Array[]): void {
    const name = `checkpoint-${state.epoch}`;
    const folder = join(this.dir, name);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'weights.bin'), Buffer.concat(tensors.map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength))));
    writeFileSync(join(folder, 'state.json'), JSON.stringify(state));
    writeAtomic(join(this.dir, 'checkpoint.json'), JSON.stringify({ folder: name, epoch: state.epoch }));
    for (const entry of readdirSync(this.dir)) {
      if (entry.startsWith('checkpoint-') && entry !== name) rmSync(join(this.dir, entry), { recursive: true, force: true });
    }
    // The event log is rewritten from the checkpoint so that it never runs ahead of what can be resumed.
    writeAtomic(this.eventsPath, state.events.map((e) => JSON.stringify(e) + '\n').join(''));
  }

  loadCheckpoint(): { state: CheckpointState; tensors: Float32Array[] } | undefined {
    const pointer = join(this.dir, 'checkpoint.json');
    if (!existsSync(pointer)) return undefined;
    const { folder } = JSON.parse(readFileSync(pointer, 'utf8')) as { folder: string };
    const state = JSON.parse(readFileSync(join(this.dir, basename(folder), 'state.json'), 'utf8')) as CheckpointState;
    const bytes = readFileSync(join(this.dir, basename(folder), 'weights.bin'));
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    let offset = 0;
    const tensors = state.tensors.map((t) => {
      const size = t.shape.reduce((a, b) => a * b, 1);
      const slice = all.slice(offset, offset + size);
      offset += size;
      return slice;
    });
    if (offset !== all.length) throw new Error(`${this.dir}: expected ${offset} checkpoint values, found ${all.length} (damaged checkpoint)`);
    return { state, tensors };
  }
}

/** A past run as lists show it. */
export interface RunInfo {
  runDir: string;
  specPath: string;
  started: string;
  model: string;
  backend?: string;
  epochsCompleted?: number;
  epochs?: number;
  metric?: Metric;
  afterPrune?: number;
  compression?: number;
  finished: boolean;
  stopped?: boolean;
  /** Layer sizes of the compact model, when the run finished. */
  compactSizes?: Record<string, number>;
  /** Settings the run took instead of the spec's, by the spec's names. */
  overrides?: Record<string, number | string>;
}

/** What features need from a run: its layer stats per name and its compact sizes. */
export interface RunResult {
  runDir: string;
  done?: DoneEvent;
  lastEpoch?: EpochEvent;
}

/** The events a run folder holds (an unreadable line is skipped). */
export function readEvents(runDir: string): TrainerEvent[] {
  const path = join(runDir, 'events.jsonl');
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
    const manifest = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { specPath: string; started: string };
    const events = readEvents(runDir);
    const start = events.find((e): e is StartEvent => e.type === 'start');
    // The last `done`: re-exporting a finished run (`--resume` on it) appends a newer one.
    const done = events.filter((e): e is DoneEvent => e.type === 'done').at(-1);
    const lastEpoch = events.filter((e): e is EpochEvent => e.type === 'epoch').at(-1);
    const info: RunInfo = { runDir, specPath: manifest.specPath, started: manifest.started, model: start?.model ?? basename(runDir), finished: !!done };
    if (start) Object.assign(info, { backend: start.backend, epochs: start.epochs, metric: start.metric });
    if (start?.overrides) info.overrides = start.overrides;
    if (lastEpoch) info.epochsCompleted = lastEpoch.epoch;
    if (done)
      Object.assign(info, {
        stopped: done.stopped,
        afterPrune: done.summary.afterPrune,
        compression: done.summary.compression,
        compactSizes: done.summary.compactSizes,
        epochsCompleted: done.epochsCompleted,
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
