import type { CheckedModel } from '../../language/index.ts';
import type { AutoStrength, EpochEvent, Metric } from '../../protocol/events.ts';
import { pruningCost } from '../../protocol/prune.ts';
import { metricOf } from './evaluate.ts';

/**
 * `dropneuron auto`: the DropNeuron λ found during one run (docs/method.md, "Finding the strength").
 *
 *   reference  the first epochs train without the DropNeuron penalty; the best validation metric they reach
 *              (pruned at the threshold, as the model is shipped) is what the network does unpenalised, and a
 *              better one later raises it (a network still learning has not shown what it can do yet);
 *   search     λ starts at START and doubles each epoch whose validation metric is comfortably inside the band
 *              (within half the `tolerance` of the reference), and stays while it is in the band's lower half.
 *              Out of the band, λ steps back by FACTOR² — a λ acts on the weights over an epoch or two, so the
 *              damage an epoch shows was done by a λ before it — and the search moves on to
 *   inputs     the input groups' multiplier (pixels, CSV columns resist a λ the neurons feel), raised and
 *              stepped back the same way from 1;
 *   hold       the values stay; an epoch out of the band steps the multiplier (then λ) down by HOLD_STEP,
 *              and the next COOLDOWN epochs let the network recover before another step;
 *   finetune   the spec's fine-tune epochs (the mask fixed, no DropNeuron penalty).
 * "Out of the band" is two epochs in a row below its edge, or one more than a tolerance below it: a validation
 * set of a few hundred rows moves by a point from one epoch to the next on its own.
 *
 * Pure: it sees each epoch's validation metric and says the next epoch's λ and multiplier. A resumed run
 * replays the validation metrics of its log (`replay`) and stands where the unbroken run stood.
 */
export class AutoStrengthSearch {
  /** λ of the first search epoch: below where DropNeuron prunes in every task measured (docs/results.md). */
  static readonly START = 1e-4;
  /** λ's and the multiplier's rise per comfortable epoch. */
  static readonly FACTOR = 2;
  /** A held value that leaves the band is divided by this. */
  static readonly HOLD_STEP = 1.5;
  /** Epochs after a step down before the next one. */
  static readonly COOLDOWN = 2;

  private state: AutoStrength;
  /** The best validation metric of the reference epochs so far. */
  private best: number | undefined;
  /** Whether the previous epoch ended below the band's edge. */
  private missed = false;
  /** How the last observed epoch stood: in the band, below its edge once, or out of it. */
  verdict: 'in' | 'below' | 'out' = 'in';
  /** Epochs left before the hold stage may step down again. */
  private cooling = 0;
  /** The validation metrics of the last epochs (at most three). */
  private recent: number[] = [];
  /** What the train epochs ended with, once fine-tuning has begun. */
  private ended: { lambda: number; inputs: number } | undefined;

  constructor(
    private readonly metric: Metric,
    private readonly tolerance: number,
    /** Epochs that train without the penalty before the search. */
    readonly referenceEpochs: number,
    /** The spec's train epochs (fine-tuning follows them). */
    private readonly trainEpochs: number,
    /** Validation rows: how noisy their metric is. */
    private readonly validationRows = Infinity,
  ) {
    this.state = { stage: 'reference', lambda: 0, next: 0, factor: AutoStrengthSearch.FACTOR, inputs: 1, nextInputs: 1 };
  }

  /** How many of `epochs` train epochs measure the reference: a fifth, at least 1, leaving at least 2 to search. */
  static referenceEpochsOf(epochs: number): number {
    return Math.max(1, Math.min(Math.round(epochs / 5), epochs - 2));
  }

  /** The λ epoch `epoch` trains with. */
  lambdaFor(epoch: number): number {
    if (epoch > this.trainEpochs || epoch <= this.referenceEpochs) return 0;
    return this.state.next;
  }

  /** The input groups' multiplier epoch `epoch` trains with. */
  inputsFor(epoch: number): number {
    return epoch > this.trainEpochs || epoch <= this.referenceEpochs ? 1 : this.state.nextInputs;
  }

  /** The λ and input multiplier the train epochs ended with: what a fixed-λ rerun writes into the spec. */
  get found(): { lambda: number; inputs: number } {
    return this.ended ?? { lambda: this.state.next, inputs: this.state.nextInputs };
  }

  /** The reference validation metric (undefined before the reference epochs end). */
  get reference(): number | undefined {
    return this.state.reference;
  }

  /** Takes an epoch's validation metric; returns the epoch's record (what it trained with, what comes next). */
  observe(epoch: number, validation: number): AutoStrength {
    const lambda = this.lambdaFor(epoch);
    const inputs = this.inputsFor(epoch);
    if (epoch > this.trainEpochs) {
      this.ended ??= { lambda: this.state.next, inputs: this.state.nextInputs };
      return (this.state = { ...this.state, stage: 'finetune', lambda, inputs, next: 0, nextInputs: 1 });
    }
    if (epoch <= this.referenceEpochs) {
      this.best = this.best === undefined ? validation : this.better(this.best, validation);
      const record: AutoStrength = { ...this.state, stage: 'reference', lambda: 0, next: 0, inputs: 1, nextInputs: 1 };
      if (epoch === this.referenceEpochs)
        Object.assign(record, { reference: this.best, floor: this.floorOf(this.best), stage: 'search', next: AutoStrengthSearch.START });
      return (this.state = record);
    }
    // The reference rises with the validation the network shows since: one still learning when the reference
    // epochs end would otherwise leave the band at what it could do then, not what it does unpenalised. It
    // rises by the mean of the last three epochs less one standard error of the metric on these rows, so that
    // the luckiest of many noisy epochs does not set it (a few hundred rows move by a point or two on their own).
    this.recent = [...this.recent, validation].slice(-3);
    const shown = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
    const reference = this.better(this.state.reference!, this.metric === 'accuracy' ? shown - this.standardError(shown) : shown);
    const cost = pruningCost(this.metric, reference, validation);
    const below = cost > this.tolerance;
    const out = below && (this.missed || cost > 2 * this.tolerance);
    this.missed = below && !out;
    this.verdict = out ? 'out' : below ? 'below' : 'in';
    const comfortable = cost <= this.tolerance / 2;
    const { FACTOR, HOLD_STEP, COOLDOWN } = AutoStrengthSearch;
    let { stage } = this.state;
    let next = lambda;
    let nextInputs = inputs;
    if (stage === 'search') {
      if (out) [next, stage, this.cooling] = [lambda / FACTOR ** 2, 'inputs', COOLDOWN];
      else if (comfortable) next = lambda * FACTOR;
    } else if (stage === 'inputs' && this.cooling > 0) {
      // The network recovers from the step back before the inputs' multiplier rises.
      this.cooling--;
    } else if (stage === 'inputs') {
      if (out && inputs > 1) [nextInputs, stage, this.cooling] = [Math.max(1, inputs / FACTOR ** 2), 'hold', COOLDOWN];
      else if (out) [next, this.cooling] = [lambda / HOLD_STEP, COOLDOWN];
      else if (comfortable) nextInputs = inputs * FACTOR;
    } else if (this.cooling > 0) {
      this.cooling--;
    } else if (out) {
      if (inputs > 1) nextInputs = Math.max(1, inputs / HOLD_STEP);
      else next = lambda / HOLD_STEP;
      this.cooling = COOLDOWN;
    }
    if (out) this.missed = false;
    return (this.state = { stage, lambda, next, inputs, nextInputs, factor: FACTOR, reference, floor: this.floorOf(reference) });
  }

  /** Rebuilds the state of a run resumed after `events` (its epoch events so far, in order). */
  replay(events: readonly EpochEvent[]): void {
    for (const e of events) {
      if (e.validationMetric !== undefined) this.observe(e.epoch, e.validationMetric);
    }
  }

  /** The standard error of an accuracy `p` measured on the validation rows. */
  private standardError(p: number): number {
    return Math.sqrt(Math.max(0, p * (1 - p)) / this.validationRows);
  }

  /** The better of two values of the metric. */
  private better(a: number, b: number): number {
    return this.metric === 'accuracy' ? Math.max(a, b) : Math.min(a, b);
  }

  /** The band's edge in the metric's own terms: `tolerance` points below the reference accuracy, above an error. */
  private floorOf(reference: number): number {
    return this.metric === 'accuracy' ? reference - this.tolerance / 100 : reference + this.tolerance / 100;
  }
}

/** The search of a `dropneuron auto` run (its train epochs, its metric, the spec's tolerance, its validation rows). */
export function autoStrengthSearch(model: CheckedModel, validationRows: number): AutoStrengthSearch {
  const { epochs } = model.train;
  return new AutoStrengthSearch(metricOf(model.task), model.regularize.tolerance, AutoStrengthSearch.referenceEpochsOf(epochs), epochs, validationRows);
}

/**
 * A `dropneuron auto` run prunes and fine-tunes with the mask fixed: a spec without `finetune` epochs gets a fifth
 * of its `epochs` (at least 1). A fixed-λ spec is as it is.
 */
export function withAutoFinetune(model: CheckedModel): CheckedModel {
  if (!model.regularize.auto || model.train.finetune > 0) return model;
  return { ...model, train: { ...model.train, finetune: Math.max(1, Math.round(model.train.epochs / 5)) } };
}
