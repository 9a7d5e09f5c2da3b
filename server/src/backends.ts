import { execFile } from 'node:child_process';
import type { BackendsReport } from '../../protocol/lsp.ts';

/** Loading every backend (and starting Dawn) takes seconds; a report that takes far longer is stuck. */
const TIMEOUT_MS = 120_000;

/**
 * The backends report of the Node that runs the trainer: `dropneuron backends --json` in a child process, so
 * that it sees exactly what a run would (the same Node, its native addons, its GPU drivers).
 */
export function backendsReport(node: string, cliPath: string): Promise<BackendsReport | { error: string }> {
  return new Promise((resolve) => {
    execFile(node, [cliPath, 'backends', '--json'], { timeout: TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const why = error.killed ? `took over ${TIMEOUT_MS / 1000} s` : (stderr.trim().split('\n').at(-1) ?? error.message);
        resolve({ error: `expected the trainer (${node}) to list its backends, found it ${error.killed ? why : `failed: ${why}`}` });
        return;
      }
      try {
        resolve(JSON.parse(stdout) as BackendsReport);
      } catch {
        resolve({ error: `expected a JSON backends report from ${node}, found: ${stdout.slice(0, 200)}` });
      }
    });
  });
}
