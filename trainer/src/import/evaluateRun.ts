import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyze } from '../../../language/index.ts';
import type { Metric } from '../../../protocol/events.ts';
import { RunFolder } from '../../../store/runFolder.ts';
import { zeroBelowThreshold } from '../layerWeights.ts';
import { ImportError } from './errors.ts';
import { testMetrics } from './evaluateSpec.ts';

export interface RunEvaluation {
  metric: Metric;
  /** The test metric of the checkpoint's weights pruned at the run's threshold: what its summary calls after pruning. */
  value: number;
  /** The same weights unpruned. */
  beforePrune: number;
  threshold: number;
  /** The epoch the checkpoint was taken after. */
  epoch: number;
  testCount: number;
  backend: string;
  run: string;
}

/** Whether a path is a run folder (it holds run.json), which `dropneuron evaluate` scores by its checkpoint. */
export function isRunFolder(path: string): boolean {
  return existsSync(join(path, 'run.json'));
}

/**
 * The test metric of a run folder's last checkpoint, without training: its weights pruned at the run's threshold
 * and unpruned, on the run's spec and data (the spec's folder, as the run read it). Throws an ImportError for a
 * run without a finished epoch or whose spec no longer checks.
 */
export async function evaluateRun(runDir: string): Promise<RunEvaluation> {
  const dir = resolve(runDir);
  const folder = new RunFolder(dir);
  const manifest = folder.manifest();
  const analysis = analyze(manifest.spec, manifest.overrides);
  const model = analysis.model;
  const error = analysis.diagnostics.find((d) => d.severity === 'error');
  if (!model || error) throw new ImportError(`${dir}: expected the run's spec to check, found ${error ? `${error.code} ${error.message}` : 'no model'}`);
  const checkpoint = folder.loadCheckpoint();
  if (!checkpoint) throw new ImportError(`${dir}: expected a finished epoch to evaluate, found none (the run ended before its first epoch)`);
  const variables = checkpoint.state.tensors.flatMap((s, i) => (s.group === 'variable' ? [checkpoint.tensors[i]!] : []));
  const weighted = model.layers.filter((l) => l.weightShape);
  const host = weighted.map((layer, i) => ({ layer, w: variables[2 * i]!, b: variables[2 * i + 1]! }));
  if (host.some((h) => !h.w || !h.b || h.w.length !== h.layer.weightShape!.reduce((a, b) => a * b, 1))) {
    throw new ImportError(`${dir}: expected a checkpoint of the spec's ${weighted.length} weighted layers, found one that does not match (damaged checkpoint)`);
  }
  const threshold = model.regularize.threshold;
  const pruned = zeroBelowThreshold(host, threshold).map(({ w, b }) => ({ w: Float32Array.from(w), b: Float32Array.from(b) }));
  const unpruned = host.map(({ w, b }) => ({ w: Float32Array.from(w), b: Float32Array.from(b) }));
  const [after, before] = await testMetrics(model, dirname(manifest.specPath), [pruned, unpruned]);
  return {
    metric: after!.metric,
    value: after!.value,
    beforePrune: before!.value,
    threshold,
    epoch: checkpoint.state.epoch,
    testCount: after!.testCount,
    backend: after!.backend,
    run: dir,
  };
}
