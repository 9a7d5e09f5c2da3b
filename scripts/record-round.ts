// node --import tsx scripts/record-round.ts docs/results/NAME.dnn SWEEP_DIR
// Records a finished `dropneuron sweep` of a committed spec as docs/results/NAME.json (issue 28's structured-pruning
// record; docs/results.md): the sweep's sweep.json with the spec's path relative to the repository, trials that did
// not finish left out (and named in a note), and beside each trial what its run folder says and the record reports:
// the validation error of the model it ships, the test error of every fine-tune epoch and the best of them (the
// anchors' way of reporting: selected on the test set, so labelled as such), and for LeNet-5-Caffe the sizes as the
// anchors count them (conv filters, fc1's inputs of 800 with a nonzero weight, fc1's neurons). Run folders are not
// committed (each holds checkpoints of megabytes): the spec and its sweep command re-create them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { analyze } from '../language/index.ts';
import type { DoneEvent, EpochEvent } from '../protocol/events.ts';
import { SWEEP_FILE, type SweepFile, type SweepTrialEntry } from '../protocol/sweep.ts';
import { readEvents } from '../store/runFolder.ts';
import { anchoredModel, LENET_5_CAFFE } from '../cli/sweep/anchors.ts';

const ROOT = resolve(import.meta.dirname, '..');
const round = (x: number): number => Number(x.toFixed(4));

interface RecordedTrial extends SweepTrialEntry {
  validationError?: number;
  finetuneTestErrors?: number[];
  bestFinetuneTestError?: number;
  anchorSizes?: { conv1: number; conv2: number; fc1Inputs: number; fc1: number; note: string };
}

function main(): void {
  const [specArg, sweepArg] = process.argv.slice(2);
  if (!specArg?.endsWith('.dnn') || !sweepArg) {
    console.error(
      `usage: node --import tsx scripts/record-round.ts docs/results/NAME.dnn SWEEP_DIR\nexpected a spec and a sweep folder, found ${process.argv.slice(2).join(' ') || 'nothing'}`,
    );
    process.exit(2);
  }
  const spec = resolve(specArg);
  const sweepFile = join(resolve(sweepArg), SWEEP_FILE);
  if (!existsSync(sweepFile)) {
    console.error(`${sweepFile}: expected the sweep's record, found no file: run \`npx dropneuron sweep ${specArg} --out ${sweepArg}\` first`);
    process.exit(1);
  }
  const sweep = JSON.parse(readFileSync(sweepFile, 'utf8')) as SweepFile & { note?: string; trials: RecordedTrial[] };
  const layers = analyze(readFileSync(spec, 'utf8')).model?.layers ?? [];
  const caffe = anchoredModel(layers) === LENET_5_CAFFE;

  const dropped = sweep.trials.filter((t) => t.status !== 'done').map((t) => t.id);
  sweep.trials = sweep.trials.filter((t) => t.status === 'done');
  sweep.front = sweep.front.filter((p) => !dropped.includes(p.trial));
  for (const axis of sweep.axes) axis.values = axis.values.filter((v) => sweep.trials.some((t) => t.settings[axis.name] === v));
  if (dropped.length) sweep.note = `trials stopped before they finished (to free the shared cores) and left out: ${dropped.join(', ')}`;

  for (const trial of sweep.trials) {
    const events = readEvents(join(resolve(sweepArg), trial.runDir));
    const epochs = events.filter((e): e is EpochEvent => e.type === 'epoch');
    const finetune = epochs.filter((e) => e.phase === 'finetune');
    const done = events.filter((e): e is DoneEvent => e.type === 'done').at(-1);
    if (done?.summary.validationMetric !== undefined) trial.validationError = round(1 - done.summary.validationMetric);
    if (finetune.length) {
      trial.finetuneTestErrors = finetune.map((e) => round(1 - e.testMetric));
      trial.bestFinetuneTestError = Math.min(...trial.finetuneTestErrors);
    }
    const last = epochs.at(-1);
    if (caffe && last) {
      const kept = (name: string) => last.layers.find((l) => l.name === name);
      // fc1's inputs with a nonzero weight are its rows alive at the last epoch (`aliveOut`, counted in features).
      trial.anchorSizes = {
        conv1: kept('conv1')!.kept,
        conv2: kept('conv2')!.kept,
        fc1Inputs: kept('fc1')!.aliveOut,
        fc1: kept('fc1')!.kept,
        note: 'as the anchors count: conv filters kept, fc1 inputs of 800 with a nonzero weight, fc1 neurons',
      };
    }
    trial.runDir = `(not committed: ${trial.runDir})`;
  }
  sweep.specPath = relative(ROOT, spec);
  const out = spec.replace(/\.dnn$/, '.json');
  writeFileSync(out, `${JSON.stringify(sweep, null, 2)}\n`);
  console.log(`wrote ${relative(ROOT, out)}: ${sweep.trials.length} trial(s)${dropped.length ? `, ${dropped.length} left out` : ''}`);
}

main();
