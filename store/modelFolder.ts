/** Where a model is written: folders made for it, and a model folder written whole (its encoding: trainer/src/export/). */
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { asRunFolderError, io, RunFolderError } from './files.ts';

/** Creates `dir` (and its parents) if it is not there: `what` names it in the one-sentence error. */
export function ensureFolder(dir: string, what: string): void {
  io(dir, `create ${what}`, () => mkdirSync(dir, { recursive: true }));
}

/**
 * Writes `files` into a temporary folder, then renames it to `dir`: a full disk leaves no half-written folder. A
 * `dir` already there is replaced only when it holds nothing but the names in `ours` (an earlier export, a run's
 * model); a folder with anything else, a file or a link is refused with one sentence, nothing changed
 * (`--out ~/Documents` once meant that folder was deleted).
 */
export function writeModelFolder(dir: string, files: readonly { name: string; data: Uint8Array | string }[], ours: ReadonlySet<string>): void {
  const there = lstatOrUndefined(dir);
  if (there && (!there.isDirectory() || readdirSync(dir).some((name) => !ours.has(name)))) {
    const others = there.isDirectory() && !there.isSymbolicLink() ? readdirSync(dir).filter((n) => !ours.has(n)) : [];
    const found = there.isSymbolicLink()
      ? 'a symbolic link'
      : there.isDirectory()
        ? `a folder holding other files (${others.slice(0, 3).join(', ')})`
        : 'a file';
    throw new RunFolderError(
      `${dir}: expected a new folder for the model, or an earlier export of it, found ${found}; choose another --out (nothing was changed)`,
    );
  }
  const temporary = `${dir}.tmp-${process.pid}`;
  try {
    rmSync(temporary, { recursive: true, force: true });
    mkdirSync(temporary, { recursive: true });
    for (const file of files) writeFileSync(join(temporary, file.name), file.data, { flag: 'wx' });
    rmSync(dir, { recursive: true, force: true });
    renameSync(temporary, dir);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw asRunFolderError(dir, 'save the model', error);
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
