import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { analyze, type DataSpec } from '../../language/index.ts';
import type { RunManifest } from '../../protocol/runFolder.ts';

/** The files a data source reads from the user's disk; `mnist` and the generated sets read none. */
function dataFiles(data: DataSpec): string[] {
  switch (data.kind) {
    case 'csv':
      return [data.file];
    case 'idx':
      return [data.images, data.labels, ...(data.testImages ? [data.testImages] : []), ...(data.testLabels ? [data.testLabels] : [])];
    default:
      return [];
  }
}

/**
 * The sentence that fails a trial whose user files this worker cannot see, or undefined when it sees them all
 * (or the spec does not check: the trainer reports that with its own coded message). Paths resolve as the
 * trainer resolves them, beside the spec's path on the submitting machine, so they name shared storage.
 */
export function missingUserFiles(manifest: RunManifest): string | undefined {
  const model = analyze(manifest.spec, manifest.overrides).model;
  if (!model?.data) return undefined;
  const specDir = dirname(manifest.specPath);
  const missing = dataFiles(model.data)
    .map((file) => (isAbsolute(file) ? file : resolve(specDir, file)))
    .filter((path) => !existsSync(path));
  if (missing.length === 0) return undefined;
  return (
    `worker ${hostname()}: expected the data file${missing.length === 1 ? '' : 's'} ${missing.join(', ')} at the same path as on the submitting machine, found ${missing.length === 1 ? 'none' : 'them missing'}; ` +
    'put user data on storage every worker mounts at that path (or use mnist or a generated data set)'
  );
}
