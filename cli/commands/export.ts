import { modelFormat, type ExportFormat } from '../../protocol/modelFormats.ts';

export interface ExportFlags {
  format: ExportFormat;
  out?: string;
  full?: boolean;
  json?: boolean;
}

/**
 * `dropneuron export RUN_DIR --format onnx|safetensors|tfjs` (the formats: protocol/modelFormats.ts): the run's
 * compact model (or with --full its pruned full model) from the run folder's last finished epoch. Prints the file
 * and its size next to the other model's; with --json one object (what the language server reads). Exit 1 with one sentence on
 * anything missing.
 */
export async function runExport(runDir: string, flags: ExportFlags, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  // Loaded here: the trainer's export brings TensorFlow.js (for --format tfjs).
  const { exportFromRunFolder } = await import('../../trainer/src/export/fromRun.ts');
  const { ExportError } = await import('../../trainer/src/export/errors.ts');
  const { RunFolderError } = await import('../../store/files.ts');
  try {
    const result = await exportFromRunFolder(runDir, {
      format: flags.format,
      ...(flags.out !== undefined ? { out: flags.out } : {}),
      ...(flags.full ? { full: true } : {}),
    });
    if (flags.json) {
      out(JSON.stringify(result));
      return 0;
    }
    const which = flags.full ? 'full' : 'compact';
    const other = flags.full ? 'compact' : 'full';
    out(
      `wrote the ${which} model as ${flags.format}: ${result.path} (${result.bytes.toLocaleString('en')} bytes; the ${other} model: ${result.otherBytes.toLocaleString('en')} bytes)`,
    );
    if (result.python) out(`PyTorch: ${result.python} builds the nn.Sequential and loads the weights (python3 ${result.python})`);
    if (result.keptInputs && !modelFormat(flags.format).picksKeptInputs) {
      out(
        `its input is the ${result.keptInputs.length} kept features (kept-inputs.json in the run folder lists them); the ONNX and PyTorch exports pick them themselves`,
      );
    }
    return 0;
  } catch (error) {
    if (!(error instanceof ExportError || error instanceof RunFolderError)) throw error;
    if (flags.json) out(JSON.stringify({ error: error.message }));
    err(`dropneuron export: ${error.message}`);
    return 1;
  }
}
