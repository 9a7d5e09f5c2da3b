import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { printSummary } from '../../cli/commands/train.ts';
import type { DoneEvent, StartEvent, TrainerEvent } from '../../protocol/events.ts';
import { ROOT } from '../helpers/cli.ts';

const fixture = (name: string): TrainerEvent[] =>
  readFileSync(join(ROOT, 'test', 'fixtures', 'events', `${name}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TrainerEvent);

/** The terminal summary of a run's events, as `dropneuron train` prints it after the last epoch. */
function summaryOf(events: TrainerEvent[], done = events.at(-1) as DoneEvent): string {
  const lines: string[] = [];
  printSummary(
    done,
    events.find((e): e is StartEvent => e.type === 'start'),
    (line) => lines.push(line),
  );
  return lines.join('\n');
}

describe('the terminal summary of `dropneuron train`', () => {
  it('an auto run: validation beside test, the λ it settled on and the settings that train it again with a fixed λ', () => {
    const text = summaryOf(fixture('csv-auto'));
    assert.match(text, /^test accuracy before pruning 92\.10 %, after pruning 92\.10 %; validation accuracy after pruning 92\.00 %$/m);
    assert.match(
      text,
      /^dropneuron auto settled on λ 0\.0081 \(the unpenalised network's validation accuracy: 91\.80 %\); to train it again with a fixed λ, set dropneuron 0\.0081, inputs_weight 3 in the spec$/m,
    );
    assert.doesNotMatch(text, /^note: /m);
  });

  it('leads with the compact model the user gets, in the panel’s words, and counts kept as the compact sizes', () => {
    const events = fixture('mnist-damage');
    const text = summaryOf(events);
    // The panel's verdict starts with the same formatter's line.
    assert.match(text, /^compact model 24 parameters \(0\.046 % of 52,650\) · 2\.0 KB · 326\.4× fewer non-zero weights$/m);
    assert.doesNotMatch(text, /compression/);
    // fc2 lost every neuron: 0 kept (its compact layer is one zero placeholder), never a second number beside it.
    assert.match(text, /fc2 \(dense\)\s*│\s*0 of 32 \(0 %\)\s*│/);
  });

  it('names the CSV columns the compact model reads, when the run names them', () => {
    const events = fixture('csv-auto');
    const done = events.at(-1) as DoneEvent;
    const names = ['tenure', 'plan', 'calls', 'age'];
    assert.match(summaryOf(events, { ...done, summary: { ...done.summary, keptInputNames: names } }), /^inputs read: tenure, plan, calls, age$/m);
    assert.doesNotMatch(summaryOf(events), /^inputs read:/m);
  });

  it('a run that pruned nothing prints its guidance; a run without validation or auto prints neither line', () => {
    const events = fixture('mnist-small');
    const done = events.at(-1) as DoneEvent;
    const guidance = 'Nothing was pruned: dropneuron 0.0005 is too weak for this network; try dropneuron auto.';
    assert.match(summaryOf(events, { ...done, summary: { ...done.summary, guidance } }), new RegExp(`^note: ${guidance.replace(/[.]/g, '\\.')}$`, 'm'));
    const plain = summaryOf(events);
    assert.doesNotMatch(plain, /validation|dropneuron auto|^note: /m);
  });
});
