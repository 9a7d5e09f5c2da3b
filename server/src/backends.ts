import type { BackendsReport } from '../../protocol/lsp.ts';
import type { CliRunner } from './cliRunner.ts';

/** Loading every backend (and starting Dawn) takes seconds; a report that takes far longer is stuck. */
const TIMEOUT_MS = 120_000;

/**
 * The backends report of the Node that runs the trainer for `uri` (none: the defaults): `dropneuron backends
 * --json` in a child process, so that it sees exactly what a run would (the same Node, its native addons, its GPU
 * drivers).
 */
export async function backendsReport(cli: CliRunner, uri: string | undefined): Promise<BackendsReport | { error: string }> {
  const { stdout, failure } = await cli.run(uri, { command: 'backends', options: ['--json'], timeoutMs: TIMEOUT_MS });
  if (failure !== undefined) return { error: failure };
  try {
    return JSON.parse(stdout) as BackendsReport;
  } catch {
    return { error: `expected a JSON backends report from \`dropneuron backends\`, found: ${stdout.slice(0, 200)}` };
  }
}
