import { dirname } from 'node:path';
import { DIAGNOSTIC_CODES, options, values, type Analysis, type Diagnostic, type StatementNode, type Token } from '../language/index.ts';
import { MIN_TEST_SAMPLES, MIN_TRAINING_SAMPLES, tooFewSamples } from '../protocol/dataSize.ts';
import { checkDataFiles, dataFilePaths, dataSampleCounts, resolveDataPath, type DataFileRole } from './dataFiles.ts';

/**
 * The data files a spec names, checked against the file system (the language core has no file system, so this
 * lives here): DNN311 on the path that is wrong, each file on its own, so that every missing file shows at once.
 * The editor (server/src/diagnostics.ts) and `dropneuron check` report the same; the checks themselves are
 * dataFiles.ts, which the trainer runs too before it loads anything.
 */
export function dataDiagnostics(analysis: Analysis, specPath: string): Diagnostic[] {
  const data = analysis.model?.data;
  const statement = dataStatement(analysis);
  if (!data || !statement) return [];
  const problems = checkDataFiles(data, analysis.model?.input, dirname(specPath)).map((problem): Diagnostic => {
    const at: Token | StatementNode = pathToken(statement, problem.role) ?? statement;
    return {
      code: 'DNN311',
      severity: DIAGNOSTIC_CODES.DNN311.severity,
      message: problem.message,
      span: { start: at.start, end: at.end },
      range: at.range,
    };
  });
  if (problems.length) return problems;
  // Files that read well but hold too few samples: the trainer's warning, said where the data is named.
  const counts = dataSampleCounts(data, dirname(specPath));
  const few = counts && tooFewSamples(counts.train, counts.test);
  if (!few) return [];
  const message = `expected at least ${MIN_TRAINING_SAMPLES} training and ${MIN_TEST_SAMPLES} test samples, found ${counts.train} and ${counts.test}: ${few}`;
  return [
    { code: 'DNN223', severity: DIAGNOSTIC_CODES.DNN223.severity, message, span: { start: statement.start, end: statement.end }, range: statement.range },
  ];
}

/** The files a spec's data line reads, resolved against its folder: what the editor watches for it. */
export function dataPaths(analysis: Analysis, specPath: string): string[] {
  const data = analysis.model?.data;
  return data ? dataFilePaths(data).map((f) => resolveDataPath(f.written, dirname(specPath))) : [];
}

function dataStatement(analysis: Analysis): StatementNode | undefined {
  return analysis.model?.block.statements.find((s) => s.head.text === 'data');
}

/** The string token that writes a role's path: `data idx "IMAGES" "LABELS"`, `data csv "FILE"`, `test_images="..."`, `test="..."`. */
function pathToken(statement: StatementNode, role: DataFileRole): Token | undefined {
  const positional = values(statement);
  switch (role) {
    case 'images':
    case 'file':
      return positional[1]?.token;
    case 'labels':
      return positional[2]?.token;
    case 'testImages':
      return options(statement).find((o) => o.key.text === 'test_images')?.value;
    case 'testLabels':
      return options(statement).find((o) => o.key.text === 'test_labels')?.value;
    case 'test':
      return options(statement).find((o) => o.key.text === 'test')?.value;
  }
}
