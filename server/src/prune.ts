import { execFile } from 'node:child_process';
import type { PruneParams, PruneReply } from '../../protocol/lsp.ts';
import type { PruneResult } from '../../protocol/prune.ts';

/** Loading TensorFlow.js, the data and the weights takes a few seconds; one that takes far longer is stuck. */
const TIMEOUT_MS = 120_000;

/**
 * A run re-pruned at other thresholds: `dropneuron prune RUN_DIR --json` in a child process, as training is.
 * The server never loads TensorFlow.js itself: it would add a second or more to its start and hundreds of MB to
 * every editor window, for a request made now and then; the child costs about a second per request instead.
 */
export function pruneRun(node: string, cliPath: string, params: PruneParams): Promise<PruneReply> {
  const args = [cliPath, 'prune', params.runDir, '--json'];
  if (params.thresholds.length) args.push('--threshold', params.thresholds.join(','));
  if (params.write) args.push('--write');
  return new Promise((resolve) => {
    execFile(node, args, { timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const why = error.killed ? `took over ${TIMEOUT_MS / 1000} s` : (stderr.trim().split('\n').at(-1) ?? error.message);
        resolve({ error: why.replace(/^dropneuron prune: /, '') });
        return;
      }
      try {
        const results = stdout
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as PruneResult);
        resolve({ results });
      } catch {
        resolve({ error: `expected JSON lines from \`dropneuron prune\`, found: ${stdout.slice(0, 200)}` });
      }
    });
  });
}
