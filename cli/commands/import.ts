import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { analyze, DATASETS, isOneOf, modelNameOf } from '../../language/index.ts';
import { dataDiagnostics } from '../../store/dataDiagnostics.ts';
import { describeFsError, RunFolderError } from '../../store/files.ts';
import { writeNewFiles } from '../../store/newFiles.ts';
import type { ImportedModel } from '../../trainer/src/import/fromOnnx.ts';
import type { ImportSource } from '../../trainer/src/import/specText.ts';

export interface ImportFlags {
  data?: string;
  out?: string;
}

/**
 * `dropneuron import MODEL.onnx|model.json [--data DATA] [--out SPEC.dnn]`: a spec mirroring the model's architecture (an
 * ONNX graph, or a TF.js LayersModel with its weights files beside it) and
 * a safetensors file of its weights beside it, which the spec names with `weights` (docs/import.md). `--data`:
 * a data set's name with its options (default mnist) or a CSV file. Exit 1 with one sentence (one per unsupported node) and
 * nothing written on a file that does not decode, a node the importer does not read, or a model whose input
 * does not fit the data; files are written only where none is.
 */
export async function runImport(file: string, flags: ImportFlags, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  // Loaded here: the importer is part of the trainer.
  const { readOnnx } = await import('../../trainer/src/import/onnxRead.ts');
  const { importOnnx } = await import('../../trainer/src/import/fromOnnx.ts');
  const { importTfjs } = await import('../../trainer/src/import/fromTfjs.ts');
  const { importedSpecText, importedTensors } = await import('../../trainer/src/import/specText.ts');
  const { ImportError } = await import('../../trainer/src/import/errors.ts');
  const { encodeSafetensors } = await import('../../trainer/src/export/safetensors.ts');
  const fail = (message: string): number => {
    for (const line of message.split('\n')) err(`dropneuron import: ${line}`);
    return 1;
  };
  try {
    const kind = extname(file).toLowerCase();
    if (kind !== '.onnx' && kind !== '.json')
      return fail(`${file}: expected an ONNX model (.onnx) or a TF.js LayersModel (model.json), found ${kind || 'a file without an extension'}`);
    let imported: ImportedModel;
    let source: ImportSource;
    if (kind === '.json') {
      // A TF.js LayersModel: model.json names its weights files, which fromTfjs.ts reads beside it.
      const tfjs = importTfjs(file);
      imported = tfjs;
      source = { file: basename(file), producer: tfjs.producer };
    } else {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        return fail(`${file}: expected to read the model, found ${describeFsError(file, error)}`);
      }
      const graph = readOnnx(bytes, file);
      imported = importOnnx(graph, file);
      source = { file: basename(file), producer: graph.producer, opset: graph.opset };
    }
    const specPath = resolve(flags.out ?? join(dirname(file), `${defaultName(file)}.dnn`));
    if (extname(specPath) !== '.dnn') return fail(`${specPath}: expected --out to name a .dnn spec, found ${extname(specPath) || 'no extension'}`);
    const weightsPath = specPath.replace(/\.dnn$/, '.safetensors');
    const data = dataWords(flags.data ?? 'mnist', dirname(specPath));
    if (typeof data !== 'string') return fail(data.error);
    const name = modelNameOf(basename(specPath));
    // A CSV's default task is regression; a model with several outputs classifies (one output per class).
    const last = imported.layers.filter((l) => l.kind === 'dense').at(-1);
    const task = data.startsWith('csv ') && last && last.units > 1 ? 'classify' : undefined;
    const text = importedSpecText(name, imported, data, basename(weightsPath), source, task);
    // The spec as `dropneuron check` reads it, its data files included: a model whose input does not fit the data is
    // refused here. Not yet its weights file (DNN313), which is written with it from the same tensors.
    const analysis = analyze(text);
    const problem = [...analysis.diagnostics, ...dataDiagnostics(analysis, specPath)].find((d) => d.severity === 'error' && d.code !== 'DNN313');
    if (problem) {
      return fail(
        `${file}: expected a model that fits --data ${flags.data ?? 'mnist'}, found that its spec does not check: ${problem.code} ${problem.message}; nothing was written`,
      );
    }
    const tensors = importedTensors(imported);
    writeNewFiles([
      { path: weightsPath, data: encodeSafetensors(tensors, { format: 'pt', source: basename(file) }) },
      { path: specPath, data: text },
    ]);
    const params = tensors.reduce((sum, t) => sum + t.data.length, 0);
    const layers = imported.layers.map((l) => l.name).join(', ');
    out(`wrote ${specPath} (input ${imported.input.join('x')}; ${layers}) and ${weightsPath} (${params.toLocaleString('en')} parameters)`);
    out(`\`dropneuron evaluate ${relative(process.cwd(), specPath) || specPath}\` scores the imported weights; \`dropneuron train\` starts from them`);
    return 0;
  } catch (error) {
    if (error instanceof ImportError || error instanceof RunFolderError) return fail(error.message);
    throw error;
  }
}

/** The spec's default name: the model file's, or for a TF.js model.json its folder's (TF.js saves one model per folder). */
function defaultName(file: string): string {
  const name = basename(file, extname(file));
  return basename(file).toLowerCase() === 'model.json' ? basename(dirname(resolve(file))) || name : name;
}

/**
 * The data line's words: a data set that needs no file, with its options as given (`mnist`, `synthetic
 * classes=4`), or `csv "PATH"` for a .csv file (relative to the spec).
 */
function dataWords(data: string, specDir: string): string | { error: string } {
  const name = data.trim().split(/\s+/)[0] ?? '';
  if (isOneOf(name, DATASETS) && DATASETS[name].files.length === 0) return data.trim();
  if (extname(data).toLowerCase() === '.csv') {
    const path = relative(specDir, resolve(data)).split(sep).join('/');
    return `csv ${JSON.stringify(path)}`;
  }
  const names = Object.entries(DATASETS)
    .filter(([, d]) => d.files.length === 0)
    .map(([n]) => n);
  return { error: `expected --data to name a data set (${names.join(', ')}) or a .csv file, found ${JSON.stringify(data)}; nothing was written` };
}
