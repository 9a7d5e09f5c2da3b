import { pathToFileURL } from 'node:url';
import type { PruneParams, PruneReply } from '../../protocol/lsp.ts';
import type { PruneResult } from '../../protocol/prune.ts';
import type { CliRunner } from './cliRunner.ts';

/** Loading TensorFlow.js, the data and the weights takes a few seconds; one that takes far longer is stuck. */
const TIMEOUT_MS = 120_000;

/**
 * A run re-pruned at other thresholds: `dropneuron prune --json -- RUN_DIR` in a child process, as training is
 * (server/src/cliRunner.ts says why the server does not load TensorFlow.js itself); the child costs about a
 * second per request.
 */
export async function pruneRun(cli: CliRunner, params: PruneParams): Promise<PruneReply> {
  const options = ['--json'];
  if (params.thresholds.length) options.push('--threshold', params.thresholds.join(','));
  if (params.write) options.push('--write');
  const { stdout, failure } = await cli.run(pathToFileURL(params.runDir).toString(), {
    command: 'prune',
    options,
    paths: [params.runDir],
    timeoutMs: TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (failure !== undefined) return { error: failure };
  try {
    const results = stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as PruneResult);
    return { results };
  } catch {
    return { error: `expected JSON lines from \`dropneuron prune\`, found: ${stdout.slice(0, 200)}` };
  }
}
