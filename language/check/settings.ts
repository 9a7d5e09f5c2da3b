import type { Reporter } from '../report.ts';
import { didYouMean, listOf } from '../suggest.ts';
import { clip, describeToken } from '../syntax/tokens.ts';
import { options, values, type BlockNode, type StatementNode } from '../syntax/tree.ts';
import { REGULARIZE_SETTINGS, TRAIN_SETTINGS, type ValueSpec } from '../vocabulary.ts';
import { reportExtraValues } from './options.ts';
import { readValue } from './values.ts';

const HOME: Record<string, string> = {
  ...Object.fromEntries(Object.keys(REGULARIZE_SETTINGS).map((k) => [k, 'regularize'])),
  ...Object.fromEntries(Object.keys(TRAIN_SETTINGS).map((k) => [k, 'train'])),
};

/** Reads a `regularize` or `train` block: one `key value` line per setting, each at most once. */
export function readSettings(block: BlockNode, table: Readonly<Record<string, ValueSpec>>, reporter: Reporter): Record<string, number | string> {
  const result: Record<string, number | string> = {};
  const seen = new Map<string, StatementNode>();
  const names = Object.keys(table);
  const blockName = block.keyword.text;
  for (const statement of block.statements) {
    const key = statement.head.text;
    const spec = table[key];
    if (!spec) {
      const home = HOME[key];
      const suggestion = home ? undefined : didYouMean(key, names);
      const hint = home ? `; \`${clip(key)}\` belongs in the \`${home}\` block` : suggestion ? `; did you mean \`${suggestion}\`?` : '';
      reporter.report('DNN206', statement.head, `expected a \`${blockName}\` setting (${listOf(names)}), found \`${clip(key)}\`${hint}`, {
        ...(suggestion ? { fix: reporter.replace(`Change to \`${suggestion}\``, statement.head, suggestion) } : {}),
      });
      continue;
    }
    const first = seen.get(key);
    if (first) {
      reporter.report('DNN213', statement, `expected \`${key}\` once in \`${blockName}\`, found it again (first on line ${first.range.start.line + 1})`, {
        fix: reporter.deleteLines(`Remove this \`${key}\``, statement.range.start.line, statement.range.end.line),
        related: [{ message: `first \`${key}\``, at: first }],
      });
      continue;
    }
    seen.set(key, statement);
    const [value] = values(statement);
    if (!value) {
      reporter.report('DNN208', statement.head, `expected a value after \`${key}\`, found ${describeToken(nextAfter(statement))}`);
      continue;
    }
    reportExtraValues(statement, 1, `\`${key} ${clip(value.token.text)}\``, reporter);
    const stray = options(statement)[0];
    if (stray) reporter.report('DNN209', stray, `expected end of line after \`${key} ${clip(value.token.text)}\`, found \`${clip(stray.key.text)}=\``);
    const read = readValue(spec, value.token, key, reporter);
    if (read !== undefined) result[key] = read;
  }
  return result;
}

/** The statement's end, as a stand-in token for "found end of line". */
function nextAfter(statement: StatementNode): { kind: 'newline'; text: string } & Parameters<typeof describeToken>[0] {
  return { kind: 'newline', text: '', start: statement.end, end: statement.end, range: statement.range };
}
