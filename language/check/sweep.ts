import type { Reporter } from '../report.ts';
import { didYouMean, listOf } from '../suggest.ts';
import { clip } from '../syntax/tokens.ts';
import { options, values, type BlockNode, type StatementNode } from '../syntax/tree.ts';
import { SWEEP_SETTINGS } from '../vocabulary.ts';
import { previousEnd } from './options.ts';
import { readValue } from './values.ts';

/** One line of a `sweep` block: a setting, by the spec's name, and the values to try, in order. */
export interface SweepSetting {
  name: string;
  values: (number | string)[];
  statement: StatementNode;
}

/**
 * Reads a `sweep` block: one `setting V1 V2 …` line per setting, each at most once, each value checked by the
 * setting's own rule (range, whole number, choices). A line without values, an unknown setting, a repeated line
 * or value, and `key=value` options are each one diagnostic; the line's valid values still count.
 */
export function readSweep(block: BlockNode, reporter: Reporter): SweepSetting[] {
  const names = Object.keys(SWEEP_SETTINGS);
  const read: SweepSetting[] = [];
  for (const statement of block.statements) {
    const name = statement.head.text;
    const spec = (SWEEP_SETTINGS as Readonly<Record<string, (typeof SWEEP_SETTINGS)[keyof typeof SWEEP_SETTINGS]>>)[name];
    if (!spec) {
      const suggestion = didYouMean(name, names);
      reporter.report(
        'DNN206',
        statement.head,
        `expected a \`sweep\` setting (a \`regularize\` or \`train\` setting: ${listOf(names)}), found \`${clip(name)}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        {
          ...(suggestion ? { fix: reporter.replace(`Change to \`${suggestion}\``, statement.head, suggestion) } : {}),
        },
      );
      continue;
    }
    const first = read.find((s) => s.name === name);
    if (first) {
      reporter.report(
        'DNN213',
        statement,
        `expected \`${name}\` once in \`sweep\`, found it again (first on line ${first.statement.range.start.line + 1}): list all its values on one line`,
        {
          related: [{ message: `first \`${name}\``, at: first.statement }],
        },
      );
      continue;
    }
    const stray = options(statement)[0];
    if (stray) reporter.report('DNN209', stray, `expected values after \`${name}\` (\`${name} V1 V2\`), found \`${clip(stray.key.text)}=\``);
    const tokens = values(statement);
    if (!tokens.length) {
      reporter.report('DNN208', statement.head, `expected the values to try after \`${name}\` (\`${name} V1 V2\`), found end of line`);
      continue;
    }
    const setting: SweepSetting = { name, values: [], statement };
    for (const arg of tokens) {
      const value = readValue(spec, arg.token, name, reporter);
      if (value === undefined) continue;
      if (setting.values.includes(value)) {
        reporter.report(
          'DNN225',
          arg.token,
          `expected each value of \`${name}\` once, found \`${clip(arg.token.text)}\` again: it would train the same run twice`,
          {
            fix: reporter.replace(`Remove \`${clip(arg.token.text)}\``, { start: previousEnd(statement, arg.start), end: arg.end }, ''),
          },
        );
        continue;
      }
      setting.values.push(value);
    }
    read.push(setting);
  }
  return read;
}
