import type { Summary } from '../../../protocol/events.ts';
import { pruningDamage } from '../../../protocol/prune.ts';
import { io, writeAtomic } from '../../../store/files.ts';
import type { Evaluator } from '../evaluator.ts';
import { zeroBelowThreshold } from '../layerWeights.ts';
import type { Trainee } from '../loop.ts';
import { doneEventOf, type RunEnd, type TrainingListener } from './listener.ts';

/** A fixed-λ run that keeps at least this share of its hidden neurons and inputs pruned (almost) nothing. */
const ALMOST_NOTHING = 0.98;

/**
 * At the run's end, after the exporter made the done event: puts the verdict on its summary — what pruning cost
 * against the tolerance, the shipped model's validation metric, what `dropneuron auto` found (the settings a
 * fixed-λ rerun takes), and guidance when the run pruned (almost) nothing or everything — then writes the
 * summary again so that summary.json says the same as the event.
 */
export class RunVerdict implements TrainingListener {
  constructor(
    private readonly t: Trainee,
    private readonly evaluator: Evaluator,
  ) {}

  async onRunEnd(end: RunEnd): Promise<void> {
    const done = doneEventOf(end);
    const { summary } = done;
    const { model, data, auto } = this.t;
    const { threshold, tolerance } = model.regularize;
    summary.damage = pruningDamage(summary.metric, summary.beforePrune, summary.afterPrune, threshold, tolerance);
    const weights = await this.t.network.read();
    const validation = await this.evaluator.validation(zeroBelowThreshold(weights, threshold));
    if (validation !== undefined) {
      summary.validationMetric = validation;
      summary.validationBeforePrune = (await this.evaluator.validation(weights))!;
    }
    if (auto?.reference !== undefined) {
      const { lambda, inputs } = auto.found;
      const settings: Record<string, number> = { dropneuron: Number(lambda.toPrecision(3)) };
      if (inputs !== 1) settings.inputs_weight = Number((inputs * model.regularize.inputsWeight).toPrecision(3));
      // What auto chose for the run that the spec did not say, so that a fixed-λ rerun trains the same way.
      if (model.train.validation === 0 && data.validation) settings.validation = data.validation.count;
      if (this.t.model.train.finetune !== model.train.finetune || !model.train.finetune) settings.finetune = this.t.model.train.finetune;
      summary.auto = { lambda, reference: auto.reference, settings };
    }
    const guidance = guidanceOf(summary, !!auto, model.regularize.dropneuron);
    if (guidance) summary.guidance = guidance;
    const path = done.outputs.summary;
    io(path, 'write the summary', () => writeAtomic(path, JSON.stringify(summary, null, 2)));
  }
}

/** One sentence for a run that pruned (almost) nothing or everything, with what to try; undefined otherwise. */
export function guidanceOf(summary: Summary, auto: boolean, lambda: number): string | undefined {
  if (summary.collapsed.length) {
    return `Pruning removed every neuron of ${summary.collapsed.join(', ')}: the network no longer reads its input. ${
      auto
        ? 'Raise `tolerance` only if this is what you want; otherwise train longer so the reference is reached.'
        : lambda === 0
          ? 'DropNeuron is off: lower `l1` or `threshold`.'
          : `Try \`dropneuron auto\`, or a λ about a tenth of ${lambda}.`
    }`;
  }
  const hidden = summary.layers.slice(0, -1);
  const kept = hidden.reduce((n, l) => n + l.neuronsKept, 0) + summary.inputs.kept;
  const total = hidden.reduce((n, l) => n + l.neuronsTotal, 0) + summary.inputs.total;
  if (!total || kept < ALMOST_NOTHING * total) return undefined;
  if (!auto && lambda === 0) {
    return `Almost nothing was pruned (${kept} of ${total} neurons and inputs kept): DropNeuron is off (\`dropneuron\` 0), so nothing pushes whole neurons to zero. Set \`dropneuron auto\`, which finds the strength within your \`tolerance\`.`;
  }
  return auto
    ? `dropneuron auto pruned almost nothing (${kept} of ${total} neurons and inputs kept): every λ that pruned cost more than the tolerance of ${summary.damage?.tolerance ?? ''} points on validation; a larger \`tolerance\` lets it go further.`
    : `DropNeuron pruned almost nothing (${kept} of ${total} neurons and inputs kept): λ ${lambda} is too weak for this network and data. Try \`dropneuron auto\`, which finds the strength within your \`tolerance\`, or a λ about 10× larger.`;
}
