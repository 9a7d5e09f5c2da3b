import { resolve } from 'node:path';
import { analyze, type Diagnostic } from '../../language/index.ts';
import { dataDiagnostics } from '../../store/dataDiagnostics.ts';
import { tryReadSpecFile } from '../../store/files.ts';

/** `file:line:col: severity CODE message`, the shape compilers use, so editors and CI can link it. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}`;
}

export interface CheckOptions {
  json?: boolean;
}

/** Exit code: 1 when any file has an error (its data files' included) or cannot be read, else 0. */
export function runCheck(files: string[], options: CheckOptions, out: (line: string) => void, err: (line: string) => void): number {
  let failed = false;
  const report: { file: string; diagnostics: Diagnostic[]; error?: string }[] = [];
  for (const file of files) {
    const read = tryReadSpecFile(file);
    if ('error' in read) {
      failed = true;
      if (options.json) report.push({ file, diagnostics: [], error: read.error });
      else err(`dropneuron: ${read.error}`);
      continue;
    }
    const analysis = analyze(read.text);
    // The data files as the editor checks them (DNN311): a check in CI catches what the editor shows.
    const diagnostics = [...analysis.diagnostics, ...dataDiagnostics(analysis, resolve(file))];
    if (diagnostics.some((d) => d.severity === 'error')) failed = true;
    if (options.json) report.push({ file, diagnostics });
    else for (const d of diagnostics) out(formatDiagnostic(file, d));
  }
  if (options.json) out(JSON.stringify(report, null, 2));
  return failed ? 1 : 0;
}
