import type { Reporter } from '../report.ts';
import { didYouMean, listOf } from '../suggest.ts';
import { clip } from '../syntax/tokens.ts';
import { options, values, type StatementNode } from '../syntax/tree.ts';
import type { ValueSpec } from '../vocabulary.ts';
import { readValue } from './values.ts';

export type OptionValues = Record<string, number | string>;

/**
 * Reads the `key=value` options of a statement against a table. Unknown keys, duplicates and bad
 * values are reported; `ignored` keys (penalties on a layer without weights) get a warning instead.
 */
export function readOptions(
  statement: StatementNode,
  table: Readonly<Record<string, ValueSpec>>,
  owner: string,
  reporter: Reporter,
  ignored: readonly string[] = [],
): OptionValues {
  const result: OptionValues = {};
  const seen = new Map<string, StatementNode['args'][number]>();
  const names = Object.keys(table);
  for (const option of options(statement)) {
    const key = option.key.text;
    const name = clip(key);
    const removal = (): ReturnType<Reporter['replace']> =>
      reporter.replace(`Remove \`${name}=\``, { start: previousEnd(statement, option.start), end: option.end }, '');
    const first = seen.get(key);
    if (first) {
      reporter.report('DNN217', option, `expected \`${name}=\` once on this line, found it again`, {
        fix: { ...removal(), title: `Remove the second \`${name}=\`` },
        related: [{ message: `first \`${name}=\``, at: first }],
      });
      continue;
    }
    seen.set(key, option);
    if (ignored.includes(key)) {
      reporter.report('DNN219', option, `expected a layer with weights for \`${key}=\`, found \`${owner}\`, which has none: the penalty has no effect`, {
        fix: removal(),
      });
      continue;
    }
    const spec = table[key];
    if (!spec) {
      const suggestion = didYouMean(key, names);
      const expected = names.length ? `an option of \`${owner}\` (${listOf(names, 'or')})` : `no options on \`${owner}\``;
      reporter.report('DNN207', option.key, `expected ${expected}, found \`${name}=\`${suggestion ? `; did you mean \`${suggestion}=\`?` : ''}`, {
        fix: suggestion ? reporter.replace(`Change to \`${suggestion}=\``, option.key, suggestion) : removal(),
      });
      continue;
    }
    if (!option.value) continue; // the parser has reported the missing value
    const value = readValue(spec, option.value, key, reporter);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/**
 * Where the text before an argument ends, so removing the argument also removes its leading space. A binary
 * search (the arguments are in order and do not overlap): a line of 100 000 options asks once per option.
 */
export function previousEnd(statement: StatementNode, start: number): number {
  const args = statement.args;
  let lo = 0;
  let hi = args.length - 1;
  let end = statement.head.end;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (args[mid]!.end <= start) {
      end = args[mid]!.end;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return end;
}

/** Reports positional values from index `from` on as extra, with a fix removing them. */
export function reportExtraValues(statement: StatementNode, from: number, what: string, reporter: Reporter): void {
  const extra = values(statement).slice(from);
  if (extra.length === 0) return;
  const first = extra[0]!;
  const last = extra[extra.length - 1]!;
  reporter.report('DNN209', { start: first.start, end: last.end }, `expected end of line after ${what}, found \`${clip(first.token.text)}\``, {
    fix: reporter.replace(
      extra.length > 1 ? 'Remove the extra arguments' : `Remove \`${clip(first.token.text)}\``,
      { start: previousEnd(statement, first.start), end: last.end },
      '',
    ),
  });
}
