import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExportModelParams, ExportModelResult } from '../../protocol/lsp.ts';
import type { CliRunner } from './cliRunner.ts';

/** Loading the checkpoint (and TensorFlow.js, for tfjs) takes a second or two; one that takes far longer is stuck. */
const TIMEOUT_MS = 120_000;

/**
 * A run's model written in a format (the `dropneuron/exportModel` request): `dropneuron export --format F --out
 * TARGET --json -- RUN_DIR` in a child process with the trainer's Node, as training and pruning are. A failure is
 * `message`, the CLI's one sentence.
 */
export async function exportRun(cli: CliRunner, params: ExportModelParams): Promise<ExportModelResult> {
  const options = ['--format', params.format, '--out', resolve(params.target), '--json'];
  if (params.full) options.push('--full');
  const { stdout, failure } = await cli.run(pathToFileURL(params.runDir).toString(), {
    command: 'export',
    options,
    paths: [params.runDir],
    timeoutMs: TIMEOUT_MS,
  });
  // With --json the CLI prints its result, or its error, as one JSON object, whatever its exit status.
  let parsed: ExportModelResult & { error?: string };
  try {
    parsed = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ExportModelResult & { error?: string };
  } catch {
    return { message: failure ?? `expected \`dropneuron export\` to print its result as JSON, found: ${stdout.slice(0, 200)}` };
  }
  if (parsed.error !== undefined) return { message: parsed.error };
  const { path, python, bytes, otherBytes } = parsed;
  return {
    ...(path ? { path } : {}),
    ...(python ? { python } : {}),
    ...(bytes !== undefined ? { bytes } : {}),
    ...(otherBytes !== undefined ? { otherBytes } : {}),
  };
}
