/** Files written only where none is: what `dropneuron import` writes beside the user's own files. */
import { linkSync, lstatSync, rmSync, writeFileSync } from 'node:fs';
import { describeFsError, RunFolderError } from './files.ts';

/**
 * Writes each file only if nothing (a file, a folder, a link) is at its path, all or none: a path already
 * taken is refused with one sentence before anything is written; each file is written whole to a temporary
 * name (created exclusively, so never through a link) and then linked to its path, which fails rather than
 * replace a file that appeared meanwhile; a failure removes what this call wrote.
 */
export function writeNewFiles(files: readonly { path: string; data: string | Uint8Array }[]): void {
  for (const { path } of files) {
    if (exists(path))
      throw new RunFolderError(`${path}: expected no file there (a new file is written, never over another), found one; choose another --out or move it`);
  }
  const written: string[] = [];
  try {
    for (const { path, data } of files) {
      const temporary = `${path}.tmp-${process.pid}`;
      try {
        writeFileSync(temporary, data, { flag: 'wx' });
        linkSync(temporary, path);
        written.push(path);
      } catch (error) {
        throw new RunFolderError(`${path}: expected to write it, found ${describeFsError(path, error)}; nothing was written`);
      } finally {
        rmSync(temporary, { force: true });
      }
    }
  } catch (error) {
    for (const path of written) rmSync(path, { force: true });
    throw error;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
