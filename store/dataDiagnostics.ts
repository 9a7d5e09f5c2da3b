import { dirname, extname } from 'node:path';
import { DIAGNOSTIC_CODES, options, values, type Analysis, type Diagnostic, type Fix, type StatementNode, type Token } from '../language/index.ts';
import { editDistance } from '../language/index.ts';
import { MIN_TEST_SAMPLES, MIN_TRAINING_SAMPLES, tooFewSamples } from '../protocol/dataSize.ts';
import { dataClasses } from './dataClasses.ts';
import { weightsPath } from './weightsFile.ts';
import { weightsProblems } from './weightsProblems.ts';
import { checkDataFiles, dataFilePaths, dataSampleCounts, listDataFolder, resolveDataPath, type DataFileProblem, type DataFileRole } from './dataFiles.ts';

/**
 * A data diagnostic and its quick fixes: one per candidate where there are several (each file of the folder that
 * could be the one meant, each column that could be the target), so the editor lists them all. `fix` stays unset.
 */
export interface DataDiagnostic extends Diagnostic {
  fixes?: Fix[];
}

/** A wrong path offers at most this many of its folder's files, the names nearest the written one first; a wrong target as many columns. */
const MAX_CANDIDATES = 8;

/**
 * The data files a spec names, checked against the file system (the language core has no file system, so this
 * lives here): DNN311 on the path that is wrong, each file on its own, so that every missing file shows at once.
 * The editor (server/src/diagnostics.ts) and `dropneuron check` report the same; the checks themselves are
 * dataFiles.ts, which the trainer runs too before it loads anything.
 */
export function dataDiagnostics(analysis: Analysis, specPath: string): DataDiagnostic[] {
  // The `weights` file the spec starts from (store/weightsProblems.ts): DNN313 on its path or on the layer it does not fit.
  const weights = weightsProblems(analysis, specPath).map((p): DataDiagnostic => ({
    code: 'DNN313',
    severity: DIAGNOSTIC_CODES.DNN313.severity,
    message: p.message,
    span: p.span,
    range: p.range,
  }));
  return [...dataFileDiagnostics(analysis, specPath), ...weights];
}

function dataFileDiagnostics(analysis: Analysis, specPath: string): DataDiagnostic[] {
  const data = analysis.model?.data;
  const statement = dataStatement(analysis);
  if (!data || !statement) return [];
  const problems = checkDataFiles(data, analysis.model?.input, dirname(specPath)).map((problem): DataDiagnostic => {
    const at: Token | StatementNode = pathToken(statement, problem.role) ?? statement;
    const fixes = fixesFor(problem, analysis, statement, dirname(specPath));
    return {
      code: 'DNN311',
      severity: DIAGNOSTIC_CODES.DNN311.severity,
      message: problem.message,
      span: { start: at.start, end: at.end },
      range: at.range,
      ...(fixes.length ? { fixes } : {}),
    };
  });
  if (problems.length) return problems;
  const found: DataDiagnostic[] = [];
  // Files that read well but hold too few samples: the trainer's warning, said where the data is named.
  const counts = dataSampleCounts(data, dirname(specPath));
  const few = counts && tooFewSamples(counts.train, counts.test);
  if (few) {
    const message = `expected at least ${MIN_TRAINING_SAMPLES} training and ${MIN_TEST_SAMPLES} test samples, found ${counts.train} and ${counts.test}: ${few}`;
    found.push({
      code: 'DNN223',
      severity: DIAGNOSTIC_CODES.DNN223.severity,
      message,
      span: { start: statement.start, end: statement.end },
      range: statement.range,
    });
  }
  const output = outputAgainstClasses(analysis, dirname(specPath));
  if (output) found.push(output);
  return found;
}

/**
 * A classifier's last layer against its files' labels, said on the layer (the fix is its size, not the data):
 * fewer outputs than classes is DNN305, the error the built-in sets get from the language; more is DNN312,
 * information. Each offers the width the labels need.
 */
function outputAgainstClasses(analysis: Analysis, specDir: string): DataDiagnostic | undefined {
  const model = analysis.model;
  const last = model?.layers.at(-1);
  if (!model?.data || model.task !== 'classify' || last?.outputShape?.length !== 1) return undefined;
  const classes = dataClasses(model.data, specDir);
  if (!classes) return undefined;
  const outputs = last.outputShape[0]!;
  const needed = classes.largest + 1;
  if (outputs === needed) return undefined;
  const who = last.named ? `\`${last.name}\`` : 'the last layer';
  const labels = `the labels in ${classes.file} run from 0 to ${classes.largest}`;
  const at: Token | StatementNode = last.sizeToken ?? last.statement.head;
  const fix: Fix[] =
    last.kind === 'dense' && last.sizeToken
      ? [
          {
            title: `Give ${who} ${needed} unit${needed === 1 ? '' : 's'}`,
            edits: [{ span: { start: at.start, end: at.end }, range: at.range, newText: String(needed) }],
          },
        ]
      : [];
  const [code, message] =
    outputs < needed
      ? (['DNN305', `expected ${who} to give at least ${needed} values, one per class (${labels}), found ${outputs}`] as const)
      : (['DNN312', `${who} gives ${outputs} values for ${needed} classes (${labels}): ${outputs - needed} of them are never a sample's class`] as const);
  return {
    code,
    severity: DIAGNOSTIC_CODES[code].severity,
    message,
    span: { start: at.start, end: at.end },
    range: at.range,
    ...(fix.length ? { fixes: fix } : {}),
  };
}

/** The files a spec's data line reads, and its `weights` file, resolved against its folder: what the editor watches for it. */
export function dataPaths(analysis: Analysis, specPath: string): string[] {
  const model = analysis.model;
  const data = model?.data;
  const weights = model && weightsPath(model, specPath);
  return [...(data ? dataFilePaths(data).map((f) => resolveDataPath(f.written, dirname(specPath))) : []), ...(weights ? [weights] : [])];
}

/** The statements data diagnostics are said on: the `data` line, and a classifier's last layer (checked against the labels). */
export function dataDiagnosticStatements(analysis: Analysis): StatementNode[] {
  const data = dataStatement(analysis);
  const last = analysis.model?.layers.at(-1)?.statement;
  return [...(data ? [data] : []), ...(data && last ? [last] : [])];
}

/** The `data` statement of the spec's model: where the data files' diagnostics are said. */
export function dataStatement(analysis: Analysis): StatementNode | undefined {
  return analysis.model?.block.statements.find((s) => s.head.text === 'data');
}

/**
 * The quick fixes of a problem with a data file: for a file that is not there, the files of the folder its path
 * names with its extension (the nearest names first); for a target that is not a column, the file's columns; for an
 * `input` that is not the data's, the data's.
 */
function fixesFor(problem: DataFileProblem, analysis: Analysis, statement: StatementNode, specDir: string): Fix[] {
  const remedy = problem.remedy;
  const replace = (title: string, token: Token, newText: string): Fix => ({
    title,
    edits: [{ span: { start: token.start, end: token.end }, range: token.range, newText }],
  });
  switch (remedy?.kind) {
    case 'missing': {
      const token = pathToken(statement, problem.role);
      if (!token) return [];
      const cut = Math.max(problem.written.lastIndexOf('/'), problem.written.lastIndexOf('\\')) + 1;
      const [folder, name] = [problem.written.slice(0, cut), problem.written.slice(cut)];
      const extension = extname(name).toLowerCase();
      // The spec's other data files are not what this one meant (the labels are not the images).
      const named = new Set(analysis.model?.data ? dataFilePaths(analysis.model.data).map((f) => resolveDataPath(f.written, specDir)) : []);
      return listDataFolder(specDir, folder)
        .filter((e) => !e.folder && extname(e.name).toLowerCase() === extension && !e.name.endsWith('.dnn'))
        .filter((e) => !named.has(resolveDataPath(folder + e.name, specDir)))
        .map((e) => ({ path: folder + e.name, distance: editDistance(name.toLowerCase(), e.name.toLowerCase()) }))
        .sort((a, b) => a.distance - b.distance)
        .slice(0, MAX_CANDIDATES)
        .map(({ path }) => replace(`Change to \`${path}\``, token, quoted(token, path)));
    }
    case 'target': {
      const token = options(statement).find((o) => o.key.text === 'target')?.value;
      if (!token) return [];
      const written = token.kind === 'string' ? (token.content ?? '') : token.text;
      // The nearest name first; then the last column (where a target usually is), then the others in order.
      const last = remedy.columns.length - 1;
      return remedy.columns
        .map((column, index) => ({
          column,
          rank: editDistance(written.toLowerCase(), column.toLowerCase()) <= Math.floor(written.length / 3) ? 0 : index === last ? 1 : 2,
          index,
        }))
        .sort((a, b) => a.rank - b.rank || a.index - b.index)
        .slice(0, MAX_CANDIDATES)
        .map(({ column }) => replace(`Change the target to \`${column}\``, token, quoted(token, column, /^[A-Za-z_][A-Za-z0-9_-]*$/.test(column))));
    }
    case 'input': {
      const input = analysis.model?.block.statements.find((s) => s.head.text === 'input');
      const token = input && values(input)[0]?.token;
      if (!token) return [];
      // The spec's own form: a count where it writes one, else the images' shape (with one channel for a conv stack's HxWxC).
      const spec = analysis.model?.input ?? [];
      const shape =
        spec.length <= 1 ? [remedy.shape.reduce((a, b) => a * b, 1)] : spec.length === 3 && remedy.shape.length === 2 ? [...remedy.shape, 1] : remedy.shape;
      const text = shape.join('x');
      const why = problem.role === 'file' || problem.role === 'test' ? 'the columns besides the target' : "the images' size";
      return [replace(`Change the input to ${text} (${why})`, token, text)];
    }
    default:
      return [];
  }
}

/** A path or a name as the spec writes it: quoted where its token was (or where it must be), bare where it may stay bare. */
function quoted(token: Token, text: string, bare = false): string {
  return token.kind !== 'string' && bare ? text : JSON.stringify(text);
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
