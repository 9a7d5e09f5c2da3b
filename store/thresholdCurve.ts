/** A run folder's `threshold-curve.json` on disk (its format: protocol/runFolder.ts' ThresholdCurve). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { THRESHOLD_CURVE_FILE, type ThresholdCurve } from '../protocol/runFolder.ts';
import { io, writeAtomic } from './files.ts';

/** Writes the curve into the run folder; returns its path. */
export function writeThresholdCurve(runDir: string, curve: ThresholdCurve): string {
  const path = join(runDir, THRESHOLD_CURVE_FILE);
  io(path, 'write the threshold curve', () => writeAtomic(path, JSON.stringify(curve)));
  return path;
}

/** The run folder's threshold curve, or null when it has none (unfinished, recorded before curves, unreadable). */
export function readThresholdCurve(runDir: string): ThresholdCurve | null {
  const path = join(runDir, THRESHOLD_CURVE_FILE);
  if (!existsSync(path)) return null;
  try {
    const curve = JSON.parse(readFileSync(path, 'utf8')) as ThresholdCurve;
    return curve?.version === 1 && Array.isArray(curve.points) ? curve : null;
  } catch {
    return null;
  }
}
