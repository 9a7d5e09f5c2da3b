import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { analyze } from '../../../language/index.ts';
import { modelFileName, type BesideFileRole, type ExportFormat } from '../../../protocol/modelFormats.ts';
import { RunFolder } from '../../../store/runFolder.ts';
import { compact } from '../compact.ts';
import { zeroBelowThreshold, type LayerWeights } from '../layerWeights.ts';
import { ExportError } from './errors.ts';
import { writeEncoded, type ExportSource } from './format.ts';
import { formatById } from './registry.ts';
import { ensureFolder } from '../../../store/modelFolder.ts';

export interface ExportRequest {
  format: ExportFormat;
  /** The file to write (a folder for tfjs); default: the run's compact/ (or model/ with `full`) folder. */
  out?: string;
  /** The full (pruned, uncompacted) model instead of the compact one. */
  full?: boolean;
}

export type ExportResult = {
  /** The file written (for tfjs, the folder). */
  path: string;
  bytes: number;
  /** The other model's size in the same format (the full model's for a compact export and the other way round). */
  otherBytes: number;
  keptInputs?: number[];
} & {
  /** The files written beside it, by role: for safetensors, model.py's path is `python`. */
  [R in BesideFileRole]?: string;
};

/**
 * Exports a run's model from its folder alone: the spec and overrides of run.json, the weights of the last
 * complete checkpoint (the last finished epoch), pruned at the run's threshold, then compacted as at the
 * run's end. Every problem (no run folder, no finished epoch, a layer the format does not cover) is an
 * ExportError of one sentence naming what is missing.
 */
export async function exportFromRunFolder(runDir: string, request: ExportRequest): Promise<ExportResult> {
  const dir = resolve(runDir);
  if (!existsSync(join(dir, 'run.json'))) throw new ExportError(`${dir}: expected a run folder (with run.json), found none`);
  const folder = new RunFolder(dir);
  const manifest = folder.manifest();
  const analysis = analyze(manifest.spec, manifest.overrides);
  const model = analysis.model;
  const error = analysis.diagnostics.find((d) => d.severity === 'error');
  if (!model || error || !model.input)
    throw new ExportError(`${dir}: expected the run's spec to check, found ${error ? `${error.code} ${error.message}` : 'no model'}`);
  const checkpoint = folder.loadCheckpoint();
  if (!checkpoint) {
    throw new ExportError(
      `${dir}: expected a finished epoch to export, found none (the run ended before its first epoch); resume it with \`dropneuron train --resume ${dir}\``,
    );
  }
  const variables = checkpoint.state.tensors.flatMap((s, i) => (s.group === 'variable' ? [checkpoint.tensors[i]!] : []));
  const weighted = model.layers.filter((l) => l.weightShape);
  const host: LayerWeights[] = weighted.map((layer, i) => ({ layer, w: variables[2 * i]!, b: variables[2 * i + 1]! }));
  if (host.some((h) => !h.w || !h.b || h.w.length !== h.layer.weightShape!.reduce((a, b) => a * b, 1))) {
    throw new ExportError(`${dir}: expected a checkpoint of the spec's ${weighted.length} weighted layers, found one that does not match (damaged checkpoint)`);
  }
  const pruned = zeroBelowThreshold(host, model.regularize.threshold);
  const small = compact(model, pruned);
  const full: ExportSource = { model, layers: pruned, inputShape: model.input };
  const compacted: ExportSource = { model, layers: small.layers, inputShape: model.input, keptInputs: small.keptInputs };
  const [chosen, other] = request.full ? [full, compacted] : [compacted, full];
  const kept = small.keptInputs && !request.full ? { keptInputs: small.keptInputs } : {};

  const format = formatById(request.format);
  const facts = format.facts;
  const defaultDir = join(dir, request.full ? 'model' : 'compact');
  const target = resolve(request.out ?? (facts.kind === 'file' ? join(defaultDir, modelFileName(facts)) : defaultDir));
  if (facts.kind === 'file' && existsSync(target) && statSync(target).isDirectory()) {
    throw new ExportError(`${target}: expected a file to write, found a folder`);
  }
  await format.prepare?.();
  // The other model is encoded to be measured, never written.
  const encoded = await format.encode(chosen, basename(target));
  const otherBytes = (await format.encode(other, basename(target))).bytes;
  if (facts.kind === 'file') ensureFolder(dirname(target), 'the folder');
  const written = writeEncoded(format, encoded, target);
  return { path: written.path, ...written.beside, bytes: encoded.bytes, otherBytes, ...kept };
}
