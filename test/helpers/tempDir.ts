import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/**
 * Temporary folders that remove themselves. `tempDir()` makes one under the system's temporary folder (the
 * `dnn-` prefix is what scripts/run-tests.mjs counts: a run that leaves one behind fails) and registers it
 * for removal after every test of the file; with a test's context it goes right after that test instead
 * (`tempDir('dnn-vsix-', t)`: a large one need not wait for the file's end).
 *
 * Cleanup is registered with node's test runner: the file-wide hook is registered when this module is
 * first imported, at the top level of a test file (a hook registered from inside a `before` hook would
 * run right after that hook). A process exit removes whatever is left, as a last resort.
 */
const created = new Set<string>();

function remove(dir: string): void {
  // Retries: a child process (a trainer, a language server) may still be closing files in it.
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  created.delete(dir);
}

function removeAll(): void {
  for (const dir of [...created]) {
    try {
      remove(dir);
    } catch (error) {
      process.stderr.write(`expected to remove the temporary folder ${dir}, found: ${(error as Error).message}\n`);
    }
  }
}

after(removeAll);
process.on('exit', removeAll);

export function tempDir(prefix = 'dnn-test-', t?: { after(fn: () => void): void }): string {
  if (!prefix.startsWith('dnn-')) throw new Error(`expected a temporary folder prefix starting with dnn- (what the test runner counts), found ${prefix}`);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.add(dir);
  t?.after(() => remove(dir));
  return dir;
}
