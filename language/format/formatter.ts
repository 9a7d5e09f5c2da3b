import { parse } from '../syntax/parser.ts';
import type { Token } from '../syntax/tokens.ts';

export type FormatResult = { ok: true; text: string } | { ok: false; reason: string };

const INDENT = '  ';

interface Line {
  tokens: Token[];
  comment?: Token;
  depth: number;
  /** The source had at least one blank line before this one. */
  blankBefore: boolean;
}

/**
 * Canonical layout: one statement per line, two-space indentation, one space between words,
 * `key=value` without spaces, braces placed as `model x {` ... `}`, at most one blank line,
 * one blank line between top-level blocks, trailing comments aligned within a run of lines.
 * Comments are kept. A file with syntax errors is not formatted (its meaning is not certain).
 */
export function format(text: string): FormatResult {
  const parsed = parse(text);
  const syntaxError = parsed.diagnostics.find((d) => d.severity === 'error');
  if (syntaxError) {
    return {
      ok: false,
      reason: `expected a file without syntax errors, found ${syntaxError.code} on line ${syntaxError.range.start.line + 1}: ${syntaxError.message}`,
    };
  }
  const eol = /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
  const rows: Row[] = [];
  const lines = logicalLines(parsed.tokens);
  lines.forEach((line, i) => {
    const previous = lines[i - 1];
    if (previous && wantsBlank(previous, line)) rows.push({ text: '' });
    rows.push({ text: INDENT.repeat(line.depth) + code(line), line });
  });
  alignComments(rows);
  return { ok: true, text: rows.length ? rows.map((r) => r.text).join(eol) + eol : '' };
}

interface Row {
  text: string;
  line?: Line;
}

function logicalLines(tokens: Token[]): Line[] {
  const lines: Line[] = [];
  let depth = 0;
  let blankRun = 0;
  let physical: Line[] = [];
  let current: Token[] = [];
  const emit = (tokens: Token[]): void => {
    const first = tokens[0]!;
    if (first.kind === 'rbrace') depth = Math.max(0, depth - 1);
    const line: Line = { tokens, depth, blankBefore: physical.length === 0 && blankRun > 0 };
    if (tokens[tokens.length - 1]!.kind === 'lbrace') depth++;
    lines.push(line);
    physical.push(line);
  };
  for (const token of tokens) {
    if (token.kind === 'newline' || token.kind === 'eof') {
      if (current.length) emit(current);
      current = [];
      blankRun = physical.length === 0 ? blankRun + 1 : 0;
      physical = [];
      continue;
    }
    if (token.kind === 'comment') {
      if (current.length) emit(current);
      current = [];
      const owner = physical[physical.length - 1];
      if (owner) owner.comment = token;
      else emit([token]);
      continue;
    }
    if (token.kind === 'rbrace') {
      if (current.length) emit(current);
      emit([token]);
      current = [];
      continue;
    }
    current.push(token);
    if (token.kind === 'lbrace') {
      emit(current);
      current = [];
    }
  }
  return lines;
}

function wantsBlank(previous: Line, line: Line): boolean {
  if (previous.tokens[previous.tokens.length - 1]?.kind === 'lbrace') return false;
  if (line.tokens[0]?.kind === 'rbrace') return false;
  if (line.depth === 0 && previous.tokens[0]?.kind === 'rbrace') return true;
  return line.blankBefore;
}

function code(line: Line): string {
  let text = '';
  let previous: Token | undefined;
  for (const token of line.tokens) {
    const glue = previous === undefined || previous.kind === 'equals' || token.kind === 'equals';
    text += (glue ? '' : ' ') + (token.kind === 'comment' ? token.text.trimEnd() : token.text);
    previous = token;
  }
  return text;
}

/** Aligns the trailing comments of adjacent lines at one depth, two spaces after the longest code. */
function alignComments(rows: Row[]): void {
  let i = 0;
  while (i < rows.length) {
    const depth = rows[i]!.line?.depth;
    if (!rows[i]!.line?.comment) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < rows.length && rows[end]!.line?.comment && rows[end]!.line!.depth === depth) end++;
    const run = rows.slice(i, end);
    // A loop, not Math.max(...run): a run of 200 000 commented lines would overflow the call stack.
    let width = 0;
    for (const row of run) width = Math.max(width, row.text.length);
    for (const row of run) row.text = row.text.padEnd(width + 2) + row.line!.comment!.text.trimEnd();
    i = end;
  }
}
