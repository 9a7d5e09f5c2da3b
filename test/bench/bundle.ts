// Benchmarks measure the code that ships: the same esbuild settings as scripts/build.mjs, not tsx's
// development transform (which wraps every closure in a naming helper and skews hot loops).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bundles `entry` (a file, or module source resolved from `resolveDir`) and loads it. */
export async function loadBundled<T>(entry: string | { contents: string; resolveDir: string }): Promise<T> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'dnn-bench-')), 'bundle.cjs');
  const input =
    typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts' as const } };
  await build({ ...input, outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  return createRequire(import.meta.url)(outfile) as T;
}
