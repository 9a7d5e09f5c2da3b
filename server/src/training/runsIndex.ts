import { resolve } from 'node:path';
import type { RunInfo } from '../../../protocol/lsp.ts';
import type { RunResult } from '../../../protocol/runFolder.ts';
import { listRuns } from '../../../store/runFolder.ts';
import { filePath } from '../paths.ts';

/**
 * A spec's runs, as its run folders say, and its latest finished run (what hover, inlay hints, lenses, Layers and
 * Shrink show): read from disk once, then kept as this session's runs finish, and dropped with a deleted folder.
 */
export class RunsIndex {
  private readonly latest = new Map<string, RunResult>();

  /** The latest finished run of a document: from this session, else from its run folders on disk. */
  latestRun(uri: string): RunResult | undefined {
    const known = this.latest.get(uri);
    if (known) return known;
    const path = filePath(uri);
    if (!path) return undefined;
    const found = listRuns(path).find((r) => r.result.done)?.result;
    if (found) this.latest.set(uri, found);
    return found;
  }

  /** Every run of a document, newest first. */
  runs(uri: string): RunInfo[] {
    const path = filePath(uri);
    return path ? listRuns(path).map((r) => r.info) : [];
  }

  /** A run of the document has finished: it is the latest from now on. */
  finished(uri: string, result: RunResult): void {
    this.latest.set(uri, result);
  }

  /** Forgets what a deleted run folder said (its spec's latest run is read again from disk). */
  forget(runDir: string): void {
    for (const [uri, result] of this.latest) if (resolve(result.runDir) === resolve(runDir)) this.latest.delete(uri);
  }
}
