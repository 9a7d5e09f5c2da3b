import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { analyze } from '../../language/index.ts';
import type { RunManifest } from '../../protocol/runFolder.ts';
import { dataFilePaths, resolveDataPath } from '../../store/dataFiles.ts';
import { weightsPath } from '../../store/weightsFile.ts';

/**
 * The sentence that fails a trial whose user files (data, a `weights` file) this worker cannot see, or undefined when it sees them all
 * (or the spec does not check: the trainer reports that with its own coded message). Paths resolve as the
 * trainer resolves them, beside the spec's path on the submitting machine, so they name shared storage.
 */
export function missingUserFiles(manifest: RunManifest): string | undefined {
  const model = analyze(manifest.spec, manifest.overrides).model;
  if (!model) return undefined;
  const specDir = dirname(manifest.specPath);
  // The trainer's own list of the files a data line reads (a csv's `test=` file and an idx's test files included),
  // and the weights file a spec starts from.
  const data = model.data ? dataFilePaths(model.data).map((file) => ({ kind: 'data file', path: resolveDataPath(file.written, specDir) })) : [];
  const weights = weightsPath(model, manifest.specPath);
  const missing = [...data, ...(weights === undefined ? [] : [{ kind: 'weights file', path: weights }])].filter(({ path }) => !existsSync(path));
  if (missing.length === 0) return undefined;
  return (
    `worker ${hostname()}: expected ${missing.map(({ kind, path }) => `the ${kind} ${path}`).join(', ')} at the same path as on the submitting machine, found ${missing.length === 1 ? 'none' : 'them missing'}; ` +
    'put user data and weights on storage every worker mounts at that path (or use mnist or a generated data set)'
  );
}
