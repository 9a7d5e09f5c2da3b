import { execFile } from 'node:child_process';
import type { ExportModelParams, ExportModelResult } from '../../protocol/lsp.ts';

/** Loading the checkpoint (and TensorFlow.js, for tfjs) takes a second or two; one that takes far longer is stuck. */
const TIMEOUT_MS = 120_000;

/**
 * A run's model written in a format: `dropneuron export RUN_DIR --format F --out TARGET --json` in a child
 * process with the trainer's Node, as training and pruning are (server/src/prune.ts says why the server does
 * not load TensorFlow.js itself). A failure is `message`, the CLI's one sentence.
 */
export function exportModel(node: string, cliPath: string, params: ExportModelParams): Promise<ExportModelResult> {
  const args = [cliPath, 'export', params.runDir, '--format', params.format, '--out', params.target, '--json'];
  if (params.full) args.push('--full');
  return new Promise((resolve) => {
    execFile(node, args, { timeout: TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      let parsed: ExportModelResult & { error?: string };
      try {
        parsed = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ExportModelResult & { error?: string };
      } catch {
        const why = error?.killed ? `took over ${TIMEOUT_MS / 1000} s` : (stderr.trim().split('\n').at(-1) ?? error?.message ?? stdout.slice(0, 200));
        resolve({ message: `expected \`dropneuron export\` to write the model, found it ${why.replace(/^dropneuron export: /, '')}` });
        return;
      }
      if (parsed.error !== undefined) return resolve({ message: parsed.error });
      const { path, python, bytes, otherBytes } = parsed;
      resolve({
        ...(path ? { path } : {}),
        ...(python ? { python } : {}),
        ...(bytes !== undefined ? { bytes } : {}),
        ...(otherBytes !== undefined ? { otherBytes } : {}),
      });
    });
  });
}
