import { formatCount, formatMetric, formatNamedMetric } from '../../protocol/present.ts';

/**
 * `dropneuron evaluate SPEC|RUN_DIR [--json]`: the test metric of the spec's starting weights without training (its
 * `weights` file's, else its seeded initialisation's), or of a run folder's last checkpoint (pruned at the run's
 * threshold, and unpruned). --json prints one object. Exit 1 with one sentence on a spec, data, backend or weights file that does not work.
 */
export async function runEvaluate(file: string, flags: { json?: boolean }, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  // Loaded here: evaluating brings the trainer and TensorFlow.js.
  const { evaluateSpec } = await import('../../trainer/src/import/evaluateSpec.ts');
  const { ImportError } = await import('../../trainer/src/import/errors.ts');
  const { DataError } = await import('../../trainer/src/data/dataset.ts');
  const { BackendError } = await import('../../trainer/src/backend.ts');
  const { SpecFileError, RunFolderError } = await import('../../store/files.ts');
  const { evaluateRun, isRunFolder } = await import('../../trainer/src/import/evaluateRun.ts');
  try {
    if (isRunFolder(file)) {
      const run = await evaluateRun(file);
      if (flags.json) out(JSON.stringify(run));
      else {
        out(
          `test ${formatNamedMetric(run.metric, run.value)} after pruning at threshold ${run.threshold} (${formatMetric(run.metric, run.beforePrune)} before) on ${formatCount(run.testCount)} test samples, from the run's checkpoint after epoch ${run.epoch}, without training (${run.backend})`,
        );
      }
      return 0;
    }
    const result = await evaluateSpec(file);
    if (flags.json) {
      out(JSON.stringify(result));
      return 0;
    }
    const from = result.weights ? `the weights of ${result.weights}` : "the spec's seeded initialisation (it names no `weights`)";
    out(
      `test ${formatNamedMetric(result.metric, result.value)} on ${formatCount(result.testCount)} test samples, from ${from}, without training (${result.backend})`,
    );
    return 0;
  } catch (error) {
    if (!(
      error instanceof ImportError ||
      error instanceof DataError ||
      error instanceof BackendError ||
      error instanceof SpecFileError ||
      error instanceof RunFolderError
    ))
      throw error;
    if (flags.json) out(JSON.stringify({ error: error.message }));
    err(`dropneuron evaluate: ${error.message}`);
    return 1;
  }
}
