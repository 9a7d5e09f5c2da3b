import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

/** Runs the built CLI exactly as `npx dropneuron` does (bin/dropneuron.js → dist/cli.js). */
export function dropneuron(args: string[], options: { cwd?: string; input?: string; timeout?: number; nodeArgs?: string[] } = {}) {
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), join(ROOT, 'bin', 'dropneuron.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    input: options.input ?? '',
    timeout: options.timeout ?? 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
