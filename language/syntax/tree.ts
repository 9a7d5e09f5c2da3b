import type { Range, Span } from './positions.ts';
import type { Token } from './tokens.ts';

interface NodeBase extends Span {
  readonly range: Range;
}

export interface DocumentNode extends NodeBase {
  kind: 'document';
  blocks: BlockNode[];
  /** Every comment token, in order; the formatter re-attaches them to lines. */
  comments: Token[];
}

/** `model NAME { ... }`, `regularize { ... }`, `train { ... }` (or an unknown keyword, already reported). */
export interface BlockNode extends Span {
  range: Range;
  kind: 'block';
  keyword: Token;
  /** Words between the keyword and `{`: the model's name, or junk that was reported. */
  header: Token[];
  open?: Token;
  close?: Token;
  statements: StatementNode[];
}

/** One line inside a block: a keyword followed by positional values and `key=value` options. */
export interface StatementNode extends NodeBase {
  kind: 'statement';
  head: Token;
  args: ArgNode[];
}

export type ArgNode = ValueArg | OptionArg;

export interface ValueArg extends NodeBase {
  kind: 'value';
  token: Token;
}

export interface OptionArg extends NodeBase {
  kind: 'option';
  key: Token;
  equals: Token;
  value?: Token;
}

export function values(statement: StatementNode): ValueArg[] {
  return statement.args.filter((a): a is ValueArg => a.kind === 'value');
}

export function options(statement: StatementNode): OptionArg[] {
  return statement.args.filter((a): a is OptionArg => a.kind === 'option');
}
