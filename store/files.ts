import { closeSync, constants, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isWithin } from '../protocol/paths.ts';

/** A .dnn spec is source text; anything this large is certainly not one. */
export const MAX_SPEC_BYTES = 1024 * 1024;

export class SpecFileError extends Error {}

/**
 * Reads a spec file as UTF-8 text, or throws a SpecFileError with one clear line:
 * a missing file, a directory, a binary file or a huge file never reaches the parser.
 */
export function readSpecFile(path: string): string {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new SpecFileError(`${path}: expected a .dnn file, found a directory`);
    if (!stat.isFile()) throw new SpecFileError(`${path}: expected a .dnn file, found a special file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof SpecFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SpecFileError(`${path}: expected a .dnn file, found ${code === 'ENOENT' ? 'no such file' : `an unreadable path (${code ?? String(error)})`}`);
  }
  if (size > MAX_SPEC_BYTES) {
    throw new SpecFileError(`${path}: expected a .dnn spec under ${MAX_SPEC_BYTES / 1024 / 1024} MB, found ${(size / 1024 / 1024).toFixed(1)} MB`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SpecFileError(`${path}: expected a readable file, found ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (bytes.includes(0)) throw new SpecFileError(`${path}: expected a text .dnn spec, found a binary file`);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new SpecFileError(`${path}: expected UTF-8 text, found bytes that are not UTF-8 (a binary file?)`);
  }
}

/** `readSpecFile` for callers that report a bad file and go on: the text, or the one-line reason. */
export function tryReadSpecFile(path: string): { text: string } | { error: string } {
  try {
    return { text: readSpecFile(path) };
  } catch (error) {
    if (error instanceof SpecFileError) return { error: error.message };
    throw error;
  }
}

/**
 * Writes a file so that readers see the old or the new content, never a partial one. A write that fails
 * (a full disk) removes its temporary file and leaves the old content as it was.
 */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    // The temporary file is created exclusively (a link planted in its name is not written through); the
    // rename replaces a link at `path` itself, never its target.
    rmSync(temporary, { force: true });
    writeFileSync(temporary, data, { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** O_NOFOLLOW where the platform has it: opening a symbolic link fails (ELOOP) instead of reaching its target. */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NO_FOLLOW;

/** Opens a file for appending (creating it if need be), never through a symbolic link: a file descriptor. */
export function openAppendNoFollow(path: string): number {
  return openSync(path, APPEND, 0o644);
}

/** Appends to a file, creating it if need be, never through a symbolic link. */
export function appendNoFollow(path: string, data: string): void {
  const fd = openAppendNoFollow(path);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** A run folder that cannot be created, written or read: one line naming the path and the cause. */
export class RunFolderError extends Error {}

/** Runs a file operation on `path`; a failure becomes a RunFolderError: "PATH: expected to WHAT, found CAUSE". */
export function io<T>(path: string, what: string, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw asRunFolderError(path, what, error);
  }
}

/** A file system error (one with an errno code) as a RunFolderError naming `path`; any other error as it is. */
export function asRunFolderError(path: string, what: string, error: unknown): unknown {
  if (error instanceof RunFolderError || typeof (error as NodeJS.ErrnoException | undefined)?.code !== 'string') return error;
  return new RunFolderError(`${path}: expected to ${what}, found ${describeFsError(path, error)}`);
}

/** Removes a file or folder if it is there; a failure to remove is not worth failing the run over. */
export function remove(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // Left for the next sweep of the folder.
  }
}

/**
 * The cause of a failed file operation on `path` as a phrase for "expected …, found <cause>": what the user
 * can act on (a file where a folder should be, no permission, a full disk), then the error code.
 */
export function describeFsError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOTDIR': {
      const file = fileOnPath(path);
      return file ? `a file at ${file} where a folder should be (ENOTDIR)` : 'a file where a folder should be (ENOTDIR)';
    }
    case 'EEXIST':
      return 'a file of that name already there (EEXIST)';
    case 'EISDIR':
      return 'a folder where a file should be (EISDIR)';
    case 'EACCES':
    case 'EPERM':
      return `no permission to write there (${code})`;
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota used up (EDQUOT)';
    case 'EROFS':
      return 'a read-only file system (EROFS)';
    case 'ENOENT':
      return 'a folder on the path missing (ENOENT)';
    case 'ELOOP':
      return 'a symbolic link where a file should be (ELOOP)';
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files (${code})`;
    default:
      return code ? `${code} (${(error as Error).message})` : String((error as Error | undefined)?.message ?? error);
  }
}

/** The nearest existing ancestor of `path` that is a file, not a folder: what an ENOTDIR is about. */
function fileOnPath(path: string): string | undefined {
  for (let p = path; dirname(p) !== p; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return p;
      return undefined;
    } catch {
      // Missing, or under a file: look further up.
    }
  }
  return undefined;
}

/**
 * Whether `path` lies inside `folder` once both are resolved to real paths (symbolic links followed), so a link
 * inside a run folder cannot lead out of it. False when either does not exist.
 */
export function isInside(path: string, folder: string): boolean {
  try {
    return isWithin(realpathSync(path), realpathSync(folder));
  } catch {
    return false;
  }
}
