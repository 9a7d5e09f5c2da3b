import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { analyze } from '../../../language/index.ts';
import type { ExportFormat } from '../../../protocol/events.ts';
import { writeAtomic, io } from '../../../store/files.ts';
import { RunFolder } from '../../../store/runFolder.ts';
import { compact } from '../compact.ts';
import { ExportError } from '../export.ts';
import { prune, type HostLayer } from '../stats.ts';
import { exportModel, tfjsBytes } from './write.ts';

export interface ExportRequest {
  format: ExportFormat;
  /** The file to write (a folder for tfjs); default: the run's compact/ (or model/ with `full`) folder. */
  out?: string;
  /** The full (pruned, uncompacted) model instead of the compact one. */
  full?: boolean;
}

export interface ExportResult {
  /** The file written (for tfjs, the folder); for safetensors, model.py's path is `python`. */
  path: string;
  python?: string;
  bytes: number;
  /** The other model's size in the same format (the full model's for a compact export and the other way round). */
  otherBytes: number;
  keptInputs?: number[];
}

/**
 * Exports a run's model from its folder alone: the spec and overrides of run.json, the weights of the last
 * complete checkpoint (the last finished epoch), pruned at the run's threshold, then compacted as at the
 * run's end. Every problem (no run folder, no finished epoch, a layer the format does not cover) is an
 * ExportError of one sentence naming what is missing.
 */
export async function exportRun(runDir: string, request: ExportRequest): Promise<ExportResult> {
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
  const host: HostLayer[] = weighted.map((layer, i) => ({ layer, w: variables[2 * i]!, b: variables[2 * i + 1]! }));
  if (host.some((h) => !h.w || !h.b || h.w.length !== h.layer.weightShape!.reduce((a, b) => a * b, 1))) {
    throw new ExportError(`${dir}: expected a checkpoint of the spec's ${weighted.length} weighted layers, found one that does not match (damaged checkpoint)`);
  }
  const pruned = prune(host, model.regularize.threshold);
  const small = compact(model, pruned);
  const input = model.input;
  const chosen = request.full ? { layers: pruned, keptInputs: undefined } : { layers: small.layers, keptInputs: small.keptInputs };
  const other = request.full ? { layers: small.layers, keptInputs: small.keptInputs } : { layers: pruned, keptInputs: undefined };
  const defaultDir = join(dir, request.full ? 'model' : 'compact');
  const kept = small.keptInputs && !request.full ? { keptInputs: small.keptInputs } : {};

  if (request.format === 'tfjs') {
    const { buildLayersModel, saveLayersModel } = await import('../export.ts');
    const { selectBackend } = await import('../backend.ts');
    await selectBackend('wasm');
    const target = resolve(request.out ?? defaultDir);
    const inputOf = (k: readonly number[] | undefined): number[] => (k ? [k.length] : input);
    const m = buildLayersModel(model, chosen.layers, inputOf(chosen.keptInputs));
    await saveLayersModel(m, target);
    m.dispose();
    // The other model is saved to a scratch folder to be measured: the TensorFlow.js format has no in-memory size.
    const scratch = `${target}.measure-${process.pid}`;
    const o = buildLayersModel(model, other.layers, inputOf(other.keptInputs));
    try {
      await saveLayersModel(o, scratch);
      return { path: target, bytes: tfjsBytes(target), otherBytes: tfjsBytes(scratch), ...kept };
    } finally {
      o.dispose();
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  const ext = request.format === 'onnx' ? '.onnx' : '.safetensors';
  const target = resolve(request.out ?? join(defaultDir, `model${ext}`));
  if (existsSync(target) && statSync(target).isDirectory()) throw new ExportError(`${target}: expected a file to write, found a folder`);
  const exported = exportModel(model, chosen.layers, input, chosen.keptInputs, basename(target));
  const measured = exportModel(model, other.layers, input, other.keptInputs);
  io(dirname(target), 'create the folder', () => mkdirSync(dirname(target), { recursive: true }));
  if (request.format === 'onnx') {
    io(target, 'write the ONNX model', () => writeAtomic(target, exported.onnx));
    return { path: target, bytes: exported.onnx.byteLength, otherBytes: measured.onnx.byteLength, ...kept };
  }
  const python = join(dirname(target), `${basename(target, extname(target))}.py`);
  io(target, 'write the safetensors weights', () => writeAtomic(target, exported.safetensors));
  io(python, 'write the PyTorch model', () => writeAtomic(python, exported.python));
  return { path: target, python, bytes: exported.safetensors.byteLength, otherBytes: measured.safetensors.byteLength, ...kept };
}
