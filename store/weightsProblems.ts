/**
 * A spec's `weights` file checked against its layers for the editor and `dropneuron check`: where each problem
 * shows (the path, when the file cannot be read; the layer's line, when a tensor of it is missing or of another
 * shape) and its sentence. The checks are weightsFile.ts', which the trainer runs before it starts.
 */
import { basename } from 'node:path';
import { values, type Analysis, type Range, type Span } from '../language/index.ts';
import { readWeightsHeader, weightsMismatches, weightsPath } from './weightsFile.ts';

export interface WeightsProblem {
  range: Range;
  span: Span;
  message: string;
}

/** The problems of the `weights` file a saved spec names; none when it names none. */
export function weightsProblems(analysis: Analysis, specPath: string): WeightsProblem[] {
  const model = analysis.model;
  const path = model && weightsPath(model, specPath);
  const statement = analysis.model?.block.statements.find((s) => s.head.text === 'weights');
  if (!model || !path || !statement) return [];
  const token = values(statement)[0]?.token;
  const at = token ?? statement;
  const read = readWeightsHeader(path);
  if ('error' in read) return [{ range: at.range, span: { start: at.start, end: at.end }, message: read.error }];
  return weightsMismatches(model, read.tensors, basename(path)).map(({ layer, message }) => {
    const where = layer.sizeToken ?? layer.statement;
    return { range: where.range, span: { start: where.start, end: where.end }, message };
  });
}
