import { dirname, resolve } from 'node:path';
import { analyze, type CheckedModel } from '../../../language/index.ts';
import type { Metric } from '../../../protocol/events.ts';
import { readSpecFile } from '../../../store/files.ts';
import { selectBackend, tensorBackendOf } from '../backend.ts';
import { loadDataset } from '../data/load.ts';
import { validateDataset } from '../data/validate.ts';
import { metricOf } from '../evaluate.ts';
import { Evaluator } from '../evaluator.ts';
import { Network } from '../network.ts';
import { layerOpsFor } from '../ops.ts';
import { Rng } from '../rng.ts';
import { ImportError } from './errors.ts';
import { startingWeights } from './startingWeights.ts';

export interface SpecEvaluation {
  metric: Metric;
  /** The test metric: accuracy as a share, or the error. */
  value: number;
  testCount: number;
  /** The weights file the network started from (absolute), or undefined for the spec's seeded initialisation. */
  weights?: string;
  backend: string;
}

/**
 * The test metric of a spec's starting weights, without training: its `weights` file's, else its seeded
 * initialisation's (what epoch 1 starts from). The same network, forward pass and evaluation as a run's. Throws
 * an ImportError for a spec with an error (its first, as `file:line:col: CODE message`) or a weights file that
 * does not fit it; a DataError or BackendError as training would.
 */
export async function evaluateSpec(specPath: string): Promise<SpecEvaluation> {
  const analysis = analyze(readSpecFile(specPath));
  const error = analysis.diagnostics.find((d) => d.severity === 'error');
  if (error || !analysis.model) {
    const at = error ? `:${error.range.start.line + 1}:${error.range.start.character + 1}: ${error.code} ${error.message}` : ': expected a model, found none';
    throw new ImportError(`${specPath}${at}`);
  }
  const model = analysis.model;
  const dir = dirname(resolve(specPath));
  const weights = model.weights ? resolve(dir, model.weights) : undefined;
  const [result] = await testMetrics(model, dir, [weights ? startingWeights(model, weights) : undefined]);
  return { ...result!, ...(weights ? { weights } : {}) };
}

/**
 * The test metric of a model with each set of host weights (trainer layout, one W and b per weighted layer;
 * undefined: the seeded initialisation), on the spec's backend and data, as a run evaluates.
 */
export async function testMetrics(
  model: CheckedModel,
  specDir: string,
  weightSets: readonly ({ w: Float32Array; b: Float32Array }[] | undefined)[],
): Promise<{ metric: Metric; value: number; testCount: number; backend: string }[]> {
  const backend = await selectBackend(model.train.backend, model);
  const data = loadDataset(model, specDir);
  validateDataset(model, data);
  const results: { metric: Metric; value: number; testCount: number; backend: string }[] = [];
  for (const start of weightSets) {
    const network = new Network(model, new Rng(model.train.seed), layerOpsFor(tensorBackendOf(backend.name)), start);
    try {
      const value = await new Evaluator(model, network.ops, data, { backend: backend.name }).test(await network.read());
      results.push({ metric: metricOf(model.task), value, testCount: data.testCount, backend: backend.name });
    } finally {
      network.dispose();
    }
  }
  return results;
}
