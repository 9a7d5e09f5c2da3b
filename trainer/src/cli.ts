import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { BACKENDS, describeRange, REGULARIZE_SETTINGS, TRAIN_SETTINGS, type NumberSpec } from '../../language/index.ts';
import { runCheck } from './commands/check.ts';
import { runFmt } from './commands/fmt.ts';
import { runTrain, type TrainFlags } from './commands/train.ts';

const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : text + '\n');
const err = (line: string): void => void process.stderr.write(line + '\n');

const program = new Command()
  .name('dropneuron')
  .description('Train neural networks that shrink themselves: check, format and train .dnn model specs.')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

program
  .command('check')
  .description('check .dnn specs and print file:line:col: severity CODE message; exit 1 on any error')
  .argument('<files...>', '.dnn spec files')
  .option('--json', 'print the diagnostics as JSON')
  .action((files: string[], options: { json?: boolean }) => {
    process.exitCode = runCheck(files, options, out, err);
  });

program
  .command('fmt')
  .description('format .dnn specs (print, --write in place, or --check)')
  .argument('<files...>', '.dnn spec files')
  .option('--write', 'rewrite the files in place')
  .option('--check', 'exit 1 if a file is not formatted; change nothing')
  .action((files: string[], options: { write?: boolean; check?: boolean }) => {
    if (options.write && options.check) {
      err('dropneuron fmt: expected one of --write or --check, found both');
      process.exitCode = 2;
      return;
    }
    process.exitCode = runFmt(files, options, (t) => void process.stdout.write(t), err);
  });

/** A number flag checked against the same range the spec's setting has. */
function numberIn(spec: NumberSpec) {
  return (text: string): number => {
    const value = Number(text);
    const below = spec.min !== undefined && (spec.minExclusive ? value <= spec.min : value < spec.min);
    const above = spec.max !== undefined && value > spec.max;
    if (text.trim() === '' || !Number.isFinite(value) || (spec.integer && !Number.isInteger(value)) || below || above) {
      throw new InvalidArgumentError(`expected ${describeRange(spec)}, found ${JSON.stringify(text)}`);
    }
    return value;
  };
}

program
  .command('train')
  .description('train a .dnn spec with DropNeuron; the five knobs override the spec')
  .argument('[file]', '.dnn spec file (omit with --resume)')
  .option('--l1 <x>', 'L1 penalty weight', numberIn(REGULARIZE_SETTINGS.l1))
  .option('--l2 <x>', 'L2 penalty weight', numberIn(REGULARIZE_SETTINGS.l2))
  .option('--keep-prob <x>', 'dropout keep probability after hidden dense layers', numberIn(REGULARIZE_SETTINGS.keep_prob))
  .option('--dropneuron <x>', 'DropNeuron λ', numberIn(REGULARIZE_SETTINGS.dropneuron))
  .option('--threshold <x>', 'pruning threshold', numberIn(REGULARIZE_SETTINGS.threshold))
  .option('--epochs <n>', 'epochs', numberIn(TRAIN_SETTINGS.epochs))
  .option('--batch <n>', 'batch size', numberIn(TRAIN_SETTINGS.batch))
  .option('--lr <x>', 'learning rate', numberIn(TRAIN_SETTINGS.learning_rate))
  .option('--seed <n>', 'random seed', numberIn(TRAIN_SETTINGS.seed))
  .option('--warmup <n>', 'epochs over which the penalties ramp up', numberIn(TRAIN_SETTINGS.warmup))
  .option('--finetune <n>', 'prune-and-fine-tune epochs after the main ones', numberIn(TRAIN_SETTINGS.finetune))
  .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(Object.keys(BACKENDS)))
  .option('--limit <n>', 'train on the first N training samples', numberIn({ type: 'number', doc: '', min: 1, integer: true }))
  .option('--out <dir>', 'run folder (default .dropneuron/runs/<model>-<time>/ beside the spec)')
  .option('--resume <dir>', 'continue the run in this folder from its last checkpoint')
  .option('--json', 'print the event stream (JSON lines) instead of a progress bar')
  .action(async (file: string | undefined, flags: TrainFlags) => {
    if (!file && !flags.resume) {
      err('dropneuron train: expected a .dnn file or --resume RUN_DIR, found neither');
      process.exitCode = 2;
      return;
    }
    process.exitCode = await runTrain(file, flags);
  });

async function main(): Promise<void> {
  await program.parseAsync();
}

main().catch((error: unknown) => {
  // Commander has already printed its message (unknown option, missing argument, --help).
  process.exitCode = error instanceof CommanderError ? (error.exitCode === 0 ? 0 : 2) : 1;
  if (!(error instanceof CommanderError)) err(`dropneuron: internal error: ${(error as Error).stack ?? String(error)}`);
});
