import type { Reporter } from '../report.ts';
import type { Token } from '../syntax/tokens.ts';
import { options, values, type BlockNode, type StatementNode } from '../syntax/tree.ts';
import { LAYER_KINDS } from '../vocabulary.ts';
import type { CheckedModel } from './model.ts';

/**
 * What dropout does to DropNeuron's sparsity, measured (docs/results.md, rows `lenet-300-100` and
 * `lenet-300-100-as-run`: LeNet-300-100, the paper's settings, 100 epochs, keep_prob 0.5 against 1; the paper's
 * script discards its dropout, so its numbers were made without it). Said to the user, by the DNN224 diagnostic
 * and the hover on `keep_prob`: the numbers, then what to do.
 */
export const DROPOUT_TRAP =
  'dropout keeps far more of the network: LeNet-300-100 kept 44 % of its weights (587-297-100 neurons) at keep_prob 0.5 and 12 % (546-113-62) at keep_prob 1. Turn it off unless you need dropout more than a smaller model (docs/results.md)';

/**
 * DNN224: dropout (keep_prob < 1) in a model that DropNeuron prunes (some layer's λ > 0). Said where the dropout is
 * written: the `regularize` block's `keep_prob` (when a hidden dense layer takes it), a dense layer's `keep_prob=`,
 * a `dropout` layer. Each gets a fix that sets keep_prob to 1 (a `dropout` layer: removes it, which is the same).
 */
export function checkDropoutTrap(model: CheckedModel, regularizeBlock: BlockNode | undefined, reporter: Reporter): void {
  const lambda = Math.max(0, ...model.layers.filter((l) => LAYER_KINDS[l.kind].hasWeights).map((l) => l.reg.dropneuron));
  if (lambda === 0) return;
  // With `dropneuron auto` the layers' values weigh a λ the run finds: say `auto`, not the unit.
  const strength = model.regularize.auto ? 'auto' : lambda;
  const say = (keep: number): string => `expected \`keep_prob 1\` with DropNeuron (λ ${strength}), found ${keep}: ${DROPOUT_TRAP}`;

  const global = regularizeBlock?.statements.find((s) => s.head.text === 'keep_prob');
  const globalValue = global && values(global)[0]?.token;
  const takesGlobal = model.layers.some((l, i) => l.kind === 'dense' && i < model.layers.length - 1 && !ownKeepProb(l.statement));
  if (globalValue && model.regularize.keepProb < 1 && takesGlobal) {
    reporter.report('DNN224', globalValue, say(model.regularize.keepProb), { fix: reporter.replace('Set keep_prob to 1 (dropout off)', globalValue, '1') });
  }
  for (const layer of model.layers) {
    const value = ownKeepProb(layer.statement);
    if (!value || layer.reg.keepProb >= 1) continue;
    const fix =
      layer.kind === 'dropout'
        ? reporter.deleteLines('Remove this `dropout` (keep_prob 1)', layer.statement.range.start.line, layer.statement.range.end.line)
        : reporter.replace('Set keep_prob to 1 (dropout off)', value, '1');
    reporter.report('DNN224', value, say(layer.reg.keepProb), { fix });
  }
}

/** The value token of a statement's own `keep_prob=`, if written. */
function ownKeepProb(statement: StatementNode): Token | undefined {
  return options(statement).find((o) => o.key.text === 'keep_prob')?.value;
}
