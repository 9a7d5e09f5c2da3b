import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DoneEvent, EpochEvent, StartEvent, TrainerEvent } from '../../trainer/src/protocol.ts';
import { RUNS_FOLDER } from '../../trainer/src/runFolder.ts';
import type { RunInfo } from './protocol.ts';

/** What features need from a run: its layer stats per name and its compact sizes. */
export interface RunResult {
  runDir: string;
  done?: DoneEvent;
  lastEpoch?: EpochEvent;
}

function readEvents(runDir: string): TrainerEvent[] {
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

/** Past runs of a spec file, newest first, from `.dropneuron/runs/*` beside it whose run.json names it. */
export function listRuns(specPath: string): { info: RunInfo; result: RunResult }[] {
  const root = join(dirname(specPath), RUNS_FOLDER);
  if (!existsSync(root)) return [];
  const runs: { info: RunInfo; result: RunResult; time: number }[] = [];
  for (const name of readdirSync(root)) {
    const runDir = join(root, name);
    try {
      const manifest = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { specPath: string; started: string };
      if (resolve(manifest.specPath) !== resolve(specPath)) continue;
      const events = readEvents(runDir);
      const start = events.find((e): e is StartEvent => e.type === 'start');
      const done = events.find((e): e is DoneEvent => e.type === 'done');
      const lastEpoch = events.filter((e): e is EpochEvent => e.type === 'epoch').at(-1);
      const info: RunInfo = { runDir, started: manifest.started, model: start?.model ?? name, finished: !!done };
      if (start) Object.assign(info, { backend: start.backend, epochs: start.epochs, metric: start.metric });
      if (lastEpoch) info.epochsCompleted = lastEpoch.epoch;
      if (done) Object.assign(info, { stopped: done.stopped, afterPrune: done.summary.afterPrune, compression: done.summary.compression, compactSizes: done.summary.compactSizes, epochsCompleted: done.epochsCompleted });
      const result: RunResult = { runDir };
      if (done) result.done = done;
      if (lastEpoch) result.lastEpoch = lastEpoch;
      runs.push({ info, result, time: Date.parse(manifest.started) || statSync(runDir).mtimeMs });
    } catch {
      // A folder that is not a run (or a half-written one) is not listed.
    }
  }
  return runs.sort((a, b) => b.time - a.time).map(({ info, result }) => ({ info, result }));
}
