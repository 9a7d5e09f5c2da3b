/**
 * A sweep folder's files on disk (their format: protocol/sweep.ts): `sweep.json`, read by the sweep command (to
 * resume) and by the language server (the Runs view, the sweep panel) under one validity rule, and where each
 * trial's run folder lies.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SWEEP_FILE, TRIALS_FOLDER, type SweepFile } from '../protocol/sweep.ts';
import { io, writeAtomic } from './files.ts';

/** sweep.json, or undefined when it is missing, half-written or of another version (the next write replaces it). */
export function readSweepFile(sweepDir: string): SweepFile | undefined {
  const path = join(sweepDir, SWEEP_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const sweep = JSON.parse(readFileSync(path, 'utf8')) as SweepFile;
    return sweep?.version === 1 && Array.isArray(sweep.trials) && Array.isArray(sweep.front) ? sweep : undefined;
  } catch {
    return undefined;
  }
}

/** Writes sweep.json atomically, creating the sweep folder if need be. */
export function writeSweepFile(sweepDir: string, sweep: SweepFile): void {
  const path = join(sweepDir, SWEEP_FILE);
  io(sweepDir, 'create the sweep folder', () => mkdirSync(sweepDir, { recursive: true }));
  io(path, 'write the sweep', () => writeAtomic(path, JSON.stringify(sweep, null, 2)));
}

/** A trial's run folder. */
export function trialDir(sweepDir: string, id: string): string {
  return join(sweepDir, TRIALS_FOLDER, id);
}
