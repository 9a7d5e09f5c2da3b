import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyze, BACKEND_ORDER, type Analysis, type BackendName, type BackendSetting, type CheckedModel } from '../../../language/index.ts';
import type { DoneEvent, StartEvent, Summary } from '../../../protocol/events.ts';
import { writeAtomic, io, RunFolderError } from '../../../store/files.ts';
import { pruningDamage, type PruneOutputs } from '../../../protocol/prune.ts';
import { readEvents, RunFolder } from '../../../store/runFolder.ts';
import type { RunManifest } from '../../../protocol/runFolder.ts';
import { BackendError, selectBackend, type BackendChoice } from '../backend.ts';
import { compact } from '../compact.ts';
import { DataError } from '../data/dataset.ts';
import { loadDataset } from '../data/load.ts';
import { Evaluator } from '../evaluator.ts';
import { ExportError } from '../export/errors.ts';
import { buildLayersModel, saveLayersModel } from '../export/tfjs.ts';
import { writeCompactExport } from '../export/write.ts';
import { layerOpsFor } from '../ops.ts';
import { prunedSpec } from '../prunedSpec.ts';
import { zeroBelowThreshold, type LayerWeights } from '../layerWeights.ts';
import { summarize } from './summary.ts';

/** A run folder that cannot be re-pruned: one line naming the folder and what to do. */
export class PruneError extends Error {}

/** A finished run, ready to be pruned at any threshold: its model, its final unpruned weights, its test data. */
export interface SavedRun {
  runDir: string;
  manifest: RunManifest;
  analysis: Analysis;
  model: CheckedModel;
  /** The run's last done event. */
  done: DoneEvent;
  /** The final unpruned weights, from the last checkpoint. */
  weights: LayerWeights[];
  evaluator: Evaluator;
  backend: BackendChoice;
  inputShape: number[];
}

/**
 * Opens a finished run: its spec as it trained, the backend it trained on (so the metric is computed the same
 * way), its test data and its last checkpoint's weights. Every failure is a PruneError with one line.
 */
export async function openRun(runDir: string): Promise<SavedRun> {
  const dir = resolve(runDir);
  try {
    const folder = new RunFolder(dir);
    const manifest = folder.manifest();
    const events = readEvents(dir);
    const done = events.filter((e): e is DoneEvent => e.type === 'done').at(-1);
    const start = events.find((e): e is StartEvent => e.type === 'start');
    const trainedOn = start?.backend;
    if (!done) throw new PruneError(`${dir}: expected a finished run, found one without its done event: finish it with \`dropneuron train --resume ${dir}\``);
    const analysis = analyze(manifest.spec, manifest.overrides);
    const model = analysis.model;
    if (!model || analysis.hasErrors) throw new PruneError(`${dir}: expected the run's spec (in run.json) to check, found errors`);
    const checkpoint = folder.loadCheckpoint();
    if (!checkpoint)
      throw new PruneError(`${dir}: expected a checkpoint holding the run's final weights, found none (the run stopped before its first epoch ended)`);
    const variables = checkpoint.tensors.filter((_, i) => checkpoint.state.tensors[i]!.group === 'variable');
    const layers = model.layers.filter((l) => l.weightShape);
    const sizes = layers.flatMap((l) => [l.weightShape!.reduce((a, b) => a * b, 1), l.weightShape!.at(-1)!]);
    if (variables.length !== sizes.length || variables.some((v, i) => v.length !== sizes[i])) {
      throw new PruneError(`${dir}: expected a checkpoint of the spec's ${layers.length} weighted layers, found one that does not match (damaged checkpoint)`);
    }
    const weights = layers.map((layer, i) => ({ layer, w: variables[2 * i]!, b: variables[2 * i + 1]! }));
    const backend = await backendOf(trainedOn, model.train.backend);
    // The test set is read, and the validation rows when the run held some out (the last of its training samples,
    // so the training set loads as the run loaded it). Without them, MNIST's test set is a file of its own whatever
    // the limit, so one training sample will do (not 60 000); other data sets split theirs from the (limited)
    // samples, so they load as the run did.
    const limit = model.data?.kind === 'mnist' && !start?.validationSamples ? 1 : manifest.limit;
    const data = loadDataset(model, dirname(manifest.specPath), limit);
    const evaluator = new Evaluator(model, layerOpsFor(backend.name), data, { backend: backend.name });
    return { runDir: dir, manifest, analysis, model, done, weights, evaluator, backend, inputShape: data.inputShape };
  } catch (error) {
    if (error instanceof PruneError) throw error;
    if (error instanceof RunFolderError || error instanceof BackendError || error instanceof DataError) throw new PruneError(error.message);
    throw new PruneError(`${dir}: expected a run folder to re-prune, found: ${(error as Error).message}`);
  }
}

/**
 * The backend the run trained on, so that its test metric comes out the same, and without `auto`'s probing (Dawn's
 * start alone costs a noticeable share of a second); the spec's choice when that one does not load here (a run
 * trained on another machine's GPU).
 */
async function backendOf(trainedOn: string | undefined, setting: BackendSetting): Promise<BackendChoice> {
  if (trainedOn && (BACKEND_ORDER as readonly string[]).includes(trainedOn)) {
    try {
      return await selectBackend(trainedOn as BackendName);
    } catch (error) {
      if (!(error instanceof BackendError)) throw error;
    }
  }
  return selectBackend(setting);
}

/** The unpruned test metric, and the validation metric (undefined without validation), computed once per opened run. */
const unpruned = new WeakMap<SavedRun, Promise<{ test: number; validation: number | undefined }>>();

/** The run's statistics at `threshold`: the done event's summary, as if it had trained with that threshold. */
export async function pruneAt(run: SavedRun, threshold: number): Promise<{ summary: Summary; pruned: LayerWeights[] }> {
  let before = unpruned.get(run);
  if (!before) {
    const measured = (async () => ({ test: await run.evaluator.test(run.weights), validation: await run.evaluator.validation(run.weights) }))();
    unpruned.set(run, (before = measured));
  }
  const pruned = zeroBelowThreshold(run.weights, threshold);
  const afterPrune = await run.evaluator.test(pruned);
  const small = compact(run.model, pruned);
  const { test: beforePrune, validation: validationBeforePrune } = await before;
  const summary = summarize(run.model, pruned, small, beforePrune, afterPrune);
  // On the validation rows too, before and after, as the run's end measures its shipped model (listeners/verdict.ts):
  // what a sweep chooses its front and judges pruning's damage by, so that the test set is only reported on.
  const validation = await run.evaluator.validation(pruned);
  if (validation !== undefined) {
    summary.validationMetric = validation;
    summary.validationBeforePrune = validationBeforePrune!;
  }
  summary.damage = pruningDamage(summary.metric, summary.beforePrune, afterPrune, threshold, run.model.regularize.tolerance);
  return { summary, pruned };
}

/** The folder a variant goes to: beside the run's own outputs, named by its threshold. */
export function variantDir(runDir: string, threshold: number): string {
  return join(runDir, `pruned-${threshold}`);
}

/**
 * Writes the variant at `threshold` into `<runDir>/pruned-<threshold>/` (its summary, pruned spec, kept inputs,
 * and a compact/ with the formats a run's own holds: TensorFlow.js, ONNX, safetensors + model.py, written by the
 * run end's own writer), leaving the run's own outputs as they are.
 */
export async function writeVariant(run: SavedRun, threshold: number, summary: Summary, pruned: LayerWeights[]): Promise<PruneOutputs> {
  const dir = variantDir(run.runDir, threshold);
  const small = compact(run.model, pruned);
  const outputs: PruneOutputs = { dir, summary: join(dir, 'summary.json'), prunedSpec: join(dir, `${run.model.name}.pruned.dnn`) };
  io(dir, 'create the pruned variant', () => mkdirSync(dir, { recursive: true }));
  io(outputs.summary, 'write the pruned variant', () => writeAtomic(outputs.summary, JSON.stringify({ threshold, ...summary }, null, 2)));
  const spec = prunedSpec(run.analysis, small.sizes, small.keptInputs?.length, run.runDir, summary.keptInputNames);
  io(outputs.prunedSpec, 'write the pruned spec', () => writeAtomic(outputs.prunedSpec, spec));
  if (small.keptInputs) {
    const path = join(dir, 'kept-inputs.json');
    io(path, 'write the kept inputs', () => writeAtomic(path, JSON.stringify({ inputs: run.inputShape, kept: small.keptInputs })));
  }
  const compactDir = join(dir, 'compact');
  // Each format on its own: a layer TensorFlow.js cannot save may still export to ONNX, and the other way round.
  try {
    const compactInput = small.keptInputs ? [small.keptInputs.length] : run.inputShape;
    const layers = buildLayersModel(run.model, small.layers, compactInput);
    await saveLayersModel(layers, compactDir);
    layers.dispose();
    outputs.compact = compactDir;
  } catch (error) {
    if (!(error instanceof ExportError)) throw error;
    process.stderr.write(`dropneuron: ${error.message}\n`);
  }
  try {
    outputs.exports = (await writeCompactExport(run.model, small, run.inputShape, compactDir)).paths;
    outputs.compact = compactDir;
  } catch (error) {
    if (!(error instanceof ExportError)) throw error;
    process.stderr.write(`dropneuron: ${error.message}\n`);
  }
  return outputs;
}
