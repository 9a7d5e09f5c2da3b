/**
 * The penalty terms: one row per term of the training loss that pushes weights or neurons towards zero, with what
 * the language, the contract and the panel know of it. The checked model's strengths (`Regularization`), the
 * layer options, the checker's DNN219/DNN220, the events' loss parts and settings (`Loss`, `StartEvent`), the
 * schedule and the panel's penalty all follow from this table; the trainer's math for each term is
 * `PENALTY_MATH` in trainer/src/penalties.ts, keyed the same, so that a row without its math does not compile.
 *
 * A file of its own with no imports, so that the run panel's page reads it (through protocol/events.ts) without
 * the rest of the language. A term's `setting` must be a `regularize` setting of the vocabulary: the layer
 * options (`PENALTY_OPTIONS`) and the checker index REGULARIZE_SETTINGS with it, which does not compile otherwise.
 */

/** What the language knows of one penalty term. */
export interface PenaltyTermSpec {
  /**
   * The `regularize` setting that gives every weighted layer the term's strength; the layer option of the same
   * name (`dense 300 l1=0.01`) overrides it for one layer. The term's key is the setting's field in the checked
   * model and in events (its name in camelCase).
   */
  setting: string;
  /** The layer option's documentation. */
  optionDoc: string;
  /** Whether a conv layer takes the `regularize` strength (`global`) or only its own option (`opt-in`). */
  conv: 'global' | 'opt-in';
  /** Whether the fine-tune epochs keep the term or turn it off (a term that pushes weights to zero: the sparsity is fixed by then). */
  finetune: 'keep' | 'off';
  /** How the strength reads in a table of settings (the compare panel). */
  label: string;
  /** A strength that trains well (the examples' and the seed's): a run that diverges names a strength far above it first. */
  typical: number;
}

export const PENALTY_TERMS = {
  l1: { setting: 'l1', optionDoc: 'Overrides the global `l1` for this layer.', conv: 'global', finetune: 'off', label: 'l1', typical: 0.0001 },
  l2: { setting: 'l2', optionDoc: 'Overrides the global `l2` for this layer.', conv: 'global', finetune: 'keep', label: 'l2', typical: 0.0001 },
  dropneuron: {
    setting: 'dropneuron',
    optionDoc:
      'Overrides the global `dropneuron` λ for this layer; 0 turns it off here. With `dropneuron auto`, a weight relative to the λ the run finds: 0.5 gives this layer half of it.',
    conv: 'opt-in',
    finetune: 'off',
    label: 'dropneuron λ',
    typical: 0.001,
  },
} as const satisfies Record<string, PenaltyTermSpec>;

export type PenaltyTerm = keyof typeof PENALTY_TERMS;
/** The terms in the table's order: the order of the loss parts everywhere (events, the trainer's vectors). */
export const PENALTY_TERM_NAMES = Object.keys(PENALTY_TERMS) as PenaltyTerm[];
/** The terms' `regularize` settings, which are also their layer options' names: `l1`, `l2`, `dropneuron`. */
export const PENALTY_SETTINGS = PENALTY_TERM_NAMES.map((t) => PENALTY_TERMS[t].setting);
/** One value per penalty term: strengths, the schedule's multipliers, loss parts. */
export type PerPenalty<T = number> = Record<PenaltyTerm, T>;

/** A value for every penalty term, in the table's order. */
export function perPenalty<T>(value: (term: PenaltyTerm) => T): PerPenalty<T> {
  return Object.fromEntries(PENALTY_TERM_NAMES.map((t) => [t, value(t)])) as PerPenalty<T>;
}

/** Whether any term has a strength above 0. */
export function hasPenalty(strengths: Readonly<PerPenalty>): boolean {
  return PENALTY_TERM_NAMES.some((t) => strengths[t] > 0);
}

/** `start` plus every term's value, added in the table's order (how a loss's total and its penalty are summed). */
export function sumOfPenalties(values: Readonly<PerPenalty>, start = 0): number {
  return PENALTY_TERM_NAMES.reduce((sum, t) => sum + values[t], start);
}
