import { readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';

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

/** Writes a file so that readers see the old or the new content, never a partial one. */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/**
 * Whether `path` lies inside `folder` once both are resolved to real paths (symbolic links followed), so a link
 * inside a run folder cannot lead out of it. False when either does not exist.
 */
export function isInside(path: string, folder: string): boolean {
  try {
    const rel = relative(realpathSync(folder), realpathSync(path));
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  } catch {
    return false;
  }
}
