import { PENALTY_TERM_NAMES, PENALTY_TERMS, wordList, type CheckedModel, type PenaltyTerm } from '../../language/index.ts';
import type { Loss } from '../../protocol/events.ts';
import type { LayerWeights } from './layerWeights.ts';
import { planEpoch } from './schedule.ts';

/**
 * Training that went non-finite (NaN or infinite): the run stops with a `trainer` error that names the epoch,
 * what went non-finite and which setting to lower. The checkpoint stays at the last finished epoch.
 */
export class DivergedError extends Error {}

/** The parts of a loss, as a message names them: `the data loss`, `the l1 penalty`. */
const partName = (part: keyof Omit<Loss, 'total'>): string => (part === 'data' ? 'the data loss' : `the ${PENALTY_TERMS[part].setting} penalty`);

/**
 * Values of each setting that train well (the examples' and the seed's; the penalty strengths' from
 * PENALTY_TERMS): a setting far above its value is the likely cause of a divergence, and is named first.
 */
const TYPICAL: Readonly<Record<string, number>> = {
  learning_rate: 0.001,
  finetune_lr: 0.0001,
  ...Object.fromEntries(PENALTY_TERM_NAMES.map((t) => [PENALTY_TERMS[t].setting, PENALTY_TERMS[t].typical])),
  init_std: 1,
};

/** Throws a DivergedError when any part of an epoch's mean loss is not finite (read once per epoch, in the loop). */
export function checkLoss(loss: Loss, model: CheckedModel, epoch: number): void {
  const parts = (['data', ...PENALTY_TERM_NAMES] as const).filter((k) => !Number.isFinite(loss[k]));
  if (!parts.length) return;
  const what = wordList(parts.map(partName), 'and');
  throw new DivergedError(
    diverged(
      what,
      parts.map((k) => loss[k]),
      model,
      epoch,
      parts.filter((k): k is PenaltyTerm => k !== 'data'),
    ),
  );
}

/** Throws a DivergedError when a weight or bias of the network as read back is not finite. */
export function checkWeights(layers: readonly LayerWeights[], model: CheckedModel, epoch: number): void {
  for (const { layer, w, b } of layers) {
    const bad = firstNonFinite(w) ?? firstNonFinite(b);
    if (bad !== undefined) throw new DivergedError(diverged(`the weights of \`${layer.name}\``, [bad], model, epoch, []));
  }
}

/** Throws a DivergedError when a metric the run reports is not finite. */
export function checkMetric(name: string, value: number, model: CheckedModel, epoch: number): void {
  if (!Number.isFinite(value)) throw new DivergedError(diverged(name, [value], model, epoch, []));
}

function firstNonFinite(values: Float32Array<ArrayBufferLike>): number | undefined {
  for (const v of values) if (!Number.isFinite(v)) return v;
  return undefined;
}

/**
 * "the data loss became NaN in epoch 3: lower learning_rate (0.5); the run folder keeps the checkpoint of
 * epoch 2". The settings to lower: those far above their typical values, largest first; when none is, the
 * learning rate (and the data's scale).
 */
function diverged(what: string, values: number[], model: CheckedModel, epoch: number, penalties: PenaltyTerm[]): string {
  const became = values.some((v) => Number.isNaN(v)) ? 'NaN' : 'infinite';
  const plan = planEpoch(model.train, epoch);
  const candidates: { name: string; value: number }[] = [{ name: plan.phase === 'finetune' ? 'finetune_lr' : 'learning_rate', value: plan.learningRate }];
  const weighted = model.layers.filter((l) => l.weightShape);
  // A penalty whose own term went non-finite; its largest strength over the layers (a layer may set its own).
  for (const p of penalties) candidates.push({ name: PENALTY_TERMS[p].setting, value: Math.max(0, ...weighted.map((l) => l.reg[p])) });
  if (model.train.init === 'normal') candidates.push({ name: 'init_std', value: model.train.initStd });
  const excess = (c: (typeof candidates)[number]): number => c.value / TYPICAL[c.name]!;
  const suspects = candidates.filter((c) => excess(c) >= 100).sort((a, b) => excess(b) - excess(a));
  const lower = wordList(
    (suspects.length ? suspects : candidates.slice(0, 1)).map((c) => `${c.name} (${c.value})`),
    'or',
  );
  const scale = suspects.length ? '' : model.task === 'classify' ? ', or scale the inputs down' : ', or scale the inputs and targets down';
  const kept = epoch > 1 ? `the run folder keeps the checkpoint of epoch ${epoch - 1}` : 'no epoch finished, so there is no checkpoint to resume from';
  return `${what} became ${became} in epoch ${epoch}: lower ${lower}${scale}; ${kept}`;
}
