// Benchmarks measure the code that ships: the same esbuild settings as scripts/build.mjs, not tsx's
// development transform (which wraps every closure in a naming helper and skews hot loops).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function loadBundled<T>(entry: string): Promise<T> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'dnn-bench-')), 'bundle.cjs');
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  return createRequire(import.meta.url)(outfile) as T;
}
