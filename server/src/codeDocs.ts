import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where a diagnostic code is explained: its row in the docs/language.md the extension ships (dist/ sits beside
 * docs/ in the .vsix as in the repository), opened at that line (`#L12`, which VS Code's opener selects). The
 * online page is the fallback when the file is not there; its anchor is the section, a table row has none.
 */
const ONLINE = 'https://github.com/dropneuron/dropneuron-vscode/blob/main/docs/language.md#diagnostics';

/** Each docs file's code rows, read once. */
const read = new Map<string, Map<string, number>>();

function codeRows(docs: string): Map<string, number> {
  const found = new Map<string, number>();
  try {
    readFileSync(docs, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const code = /^\| (DNN\d{3}) \|/.exec(line)?.[1];
        if (code) found.set(code, i + 1);
      });
  } catch {
    // No docs beside the server: every code links to the online section.
  }
  return found;
}

/** The link a diagnostic's code opens. `docs` is for tests; the server reads the file once. */
export function codeHref(code: string, docs = join(__dirname, '..', 'docs', 'language.md')): string {
  let rows = read.get(docs);
  if (!rows) read.set(docs, (rows = codeRows(docs)));
  const line = rows.get(code);
  return line === undefined ? ONLINE : `${pathToFileURL(docs).href}#L${line}`;
}
