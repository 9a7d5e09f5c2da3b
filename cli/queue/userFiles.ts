import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { analyze } from '../../language/index.ts';
import type { RunManifest } from '../../protocol/runFolder.ts';
import { dataFilePaths, resolveDataPath } from '../../store/dataFiles.ts';

/**
 * The sentence that fails a trial whose user files this worker cannot see, or undefined when it sees them all
 * (or the spec does not check: the trainer reports that with its own coded message). Paths resolve as the
 * trainer resolves them, beside the spec's path on the submitting machine, so they name shared storage.
 */
export function missingUserFiles(manifest: RunManifest): string | undefined {
  const model = analyze(manifest.spec, manifest.overrides).model;
  if (!model?.data) return undefined;
  const specDir = dirname(manifest.specPath);
  // The trainer's own list of the files a data line reads (a csv's `test=` file and an idx's test files included).
  const missing = dataFilePaths(model.data)
    .map((file) => resolveDataPath(file.written, specDir))
    .filter((path) => !existsSync(path));
  if (missing.length === 0) return undefined;
  return (
    `worker ${hostname()}: expected the data file${missing.length === 1 ? '' : 's'} ${missing.join(', ')} at the same path as on the submitting machine, found ${missing.length === 1 ? 'none' : 'them missing'}; ` +
    'put user data on storage every worker mounts at that path (or use mnist or a generated data set)'
  );
}
