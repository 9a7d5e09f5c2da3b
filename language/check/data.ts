import type { Reporter } from '../report.ts';
import { didYouMean, listOf } from '../suggest.ts';
import { describeToken } from '../syntax/tokens.ts';
import { options, values, type StatementNode } from '../syntax/tree.ts';
import { DATASET_NAMES, DATASETS, isOneOf, type DatasetName } from '../vocabulary.ts';
import type { DataSpec, Shape } from './model.ts';
import { previousEnd, readOptions, reportExtraValues } from './options.ts';
import { readString } from './values.ts';

/** What a data set fixes about the model, where it fixes anything. */
export interface DataFacts {
  /** Input shapes the data can be read as; the first is the default. */
  inputs?: Shape[];
  classes?: number;
  /** Targets per sample for `regress`. */
  targets?: number;
  /** Training samples, where the spec alone fixes how many (not for files). */
  trainSamples?: number;
}

export function dataFacts(data: DataSpec): DataFacts {
  switch (data.kind) {
    case 'mnist':
      return { inputs: [[784], [28, 28, 1]], classes: 10, trainSamples: data.limit ?? DATASETS.mnist.options.limit.max };
    case 'sparse-regression':
      // The first half of the samples trains, the second tests.
      return { inputs: [[data.features]], targets: 1, trainSamples: Math.floor(data.samples / 2) };
    case 'csv':
      // With `columns=` the spec itself says how many inputs the data has.
      return { targets: 1, ...(data.columns ? { inputs: [[data.columns.length]] } : {}) };
    case 'synthetic':
      return { classes: data.classes, trainSamples: data.samples };
    case 'idx':
      return {};
  }
}

/** Reads `data NAME ["file" ...] [key=value ...]` into a data spec with every default filled in. */
export function readData(statement: StatementNode, reporter: Reporter): DataSpec | undefined {
  const [nameArg] = values(statement);
  if (!nameArg) {
    reporter.report('DNN208', statement.head, `expected a data set after \`data\` (${listOf(DATASET_NAMES)}), found end of line`);
    return undefined;
  }
  const name = nameArg.token;
  if (name.kind !== 'ident' || !isOneOf<DatasetName>(name.text, DATASETS)) {
    const suggestion = name.kind === 'ident' ? didYouMean(name.text, DATASET_NAMES) : undefined;
    reporter.report(
      'DNN202',
      name,
      `expected a data set (${listOf(DATASET_NAMES)}), found ${describeToken(name)}${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
      suggestion ? { fix: reporter.replace(`Change to \`${suggestion}\``, name, suggestion) } : {},
    );
    return undefined;
  }
  const kind = name.text;
  const spec = DATASETS[kind];
  const files: string[] = [];
  const args = values(statement);
  spec.files.forEach((file, i) => {
    const arg = args[i + 1];
    if (!arg) {
      reporter.report(
        'DNN208',
        statement,
        `expected a quoted path to the ${file} file after \`data ${kind}${files.map((f) => ` "${f}"`).join('')}\`, found end of line`,
      );
      return;
    }
    const path = readString({ type: 'string', doc: '' }, arg.token, `${kind} ${file}`, reporter);
    if (path !== undefined) files.push(path);
  });
  reportExtraValues(statement, 1 + spec.files.length, `\`data ${kind}\``, reporter);
  const opts = readOptions(statement, spec.options, `data ${kind}`, reporter);
  if (files.length < spec.files.length) return undefined;
  const num = (key: string, fallback: number): number => (typeof opts[key] === 'number' ? (opts[key] as number) : fallback);
  const str = (key: string): string | undefined => (typeof opts[key] === 'string' ? (opts[key] as string) : undefined);
  switch (kind) {
    case 'mnist':
      return opts.limit !== undefined ? { kind, limit: num('limit', 60000) } : { kind };
    case 'sparse-regression': {
      const features = num('features', 20);
      const informative = num('informative', Math.max(1, Math.round(features * 0.1)));
      if (informative > features) {
        reporter.report('DNN211', statement, `expected \`informative\` ≤ features (${features}), found ${informative}`);
      }
      return { kind, samples: num('samples', 1000), features, informative: Math.min(informative, features), noise: num('noise', 0), seed: num('seed', 0) };
    }
    case 'idx': {
      const result: DataSpec = { kind, images: files[0]!, labels: files[1]! };
      const testImages = str('test_images');
      const testLabels = str('test_labels');
      if ((testImages === undefined) !== (testLabels === undefined)) {
        reporter.report(
          'DNN208',
          statement,
          `expected both \`test_images=\` and \`test_labels=\`, found only ${testImages ? '`test_images=`' : '`test_labels=`'}`,
        );
      }
      if (testImages !== undefined) result.testImages = testImages;
      if (testLabels !== undefined) result.testLabels = testLabels;
      return result;
    }
    case 'csv': {
      const result: DataSpec = { kind, file: files[0]!, testSplit: num('test_split', 0.2) };
      const target = str('target');
      if (target !== undefined) result.target = target;
      const columns = str('columns')
        ?.split(',')
        .map((c) => c.trim())
        .filter(Boolean);
      if (columns?.length) result.columns = columns;
      const test = str('test');
      if (test !== undefined) {
        result.test = test;
        const split = options(statement).find((o) => o.key.text === 'test_split');
        if (split) {
          reporter.report('DNN226', split, 'expected `test=` or `test_split=`, found both: with a test file every row of the training file trains', {
            fix: reporter.replace('Remove `test_split=`', { start: previousEnd(statement, split.start), end: split.end }, ''),
          });
        }
      }
      return result;
    }
    case 'synthetic':
      return { kind, samples: num('samples', 1024), classes: num('classes', 10), seed: num('seed', 0) };
  }
}
