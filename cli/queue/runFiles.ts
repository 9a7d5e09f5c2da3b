import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { TrainerEvent } from '../../protocol/events.ts';
import { writeAtomic } from '../../store/files.ts';

/**
 * A run folder carried from a worker's disk to the submitter's: packed into a map of relative path → bytes on
 * the worker, unpacked into `<sweepDir>/trials/<id>/` on the submitting side, with the paths its events name
 * moved from the worker's folder to the local one.
 */

/** Every file of a run folder but its manifest (the submitter wrote its own from the same job), by path relative to it. */
export function packRunFolder(runDir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.set(relative(runDir, path).split(sep).join('/'), readFileSync(path));
    }
  };
  walk(runDir);
  files.delete('run.json');
  return files;
}

/** A JSON file's bytes with the worker's paths moved (`relocate`), kept in the same layout: a file that does not parse stays as it is. */
function relocateJsonFile(bytes: Buffer, from: string, to: string): Buffer {
  const text = bytes.toString('utf8');
  if (!text.includes(from)) return bytes;
  try {
    const pretty = /^[[{]\s*\n/.test(text);
    return Buffer.from(JSON.stringify(relocate(JSON.parse(text) as unknown, from, to), null, pretty ? 2 : undefined) + (text.endsWith('\n') ? '\n' : ''));
  } catch {
    return bytes;
  }
}

/** `path` inside `dir`, or undefined for one that would land outside it (absolute, or climbing with `..`). */
function inside(dir: string, path: string): string | undefined {
  const clean = normalize(path);
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`)) return undefined;
  return join(dir, clean);
}

/**
 * Writes a packed run folder into `runDir`, replacing what it held but its manifest (an earlier attempt's
 * partial log or checkpoints). The event log is written last, rewritten so that its paths name `runDir`:
 * whoever watches it sees the done event only once every file it names is there.
 */
export function unpackRunFolder(files: Record<string, Buffer>, runDir: string, workerDir: string): void {
  // Every name is checked before anything is removed: a bad one leaves the folder as it was.
  const targets = Object.entries(files).map(([name, bytes]) => {
    const path = inside(runDir, name);
    if (!path) throw new Error(`expected the worker's file names to stay inside the run folder, found ${JSON.stringify(name)}`);
    return { name, path, bytes };
  });
  for (const entry of readdirSync(runDir)) {
    if (entry !== 'run.json') rmSync(join(runDir, entry), { recursive: true, force: true });
  }
  const log = files['events.jsonl'];
  for (const { name, path, bytes } of targets) {
    if (name === 'events.jsonl') continue;
    mkdirSync(dirname(path), { recursive: true });
    writeAtomic(path, name.endsWith('.json') ? relocateJsonFile(bytes, workerDir, runDir) : bytes);
  }
  const events = (log?.toString('utf8') ?? '')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.stringify(relocate(JSON.parse(line) as TrainerEvent, workerDir, runDir)) + '\n');
  writeAtomic(join(runDir, 'events.jsonl'), events.join(''));
}

/**
 * A JSON value with every string that is a path in the worker's run folder (`start.runDir`, the done event's
 * outputs, the summary's exports, whatever names a file) moved to `to`. Strings are matched whole, by prefix.
 */
export function relocate<T>(value: T, from: string, to: string): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v === from || v.startsWith(from + '/') ? to + v.slice(from.length) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
