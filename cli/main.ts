/**
 * `dropneuron`: the command line. `check` and `fmt` need only the language core; `train` loads the trainer
 * (and TensorFlow.js) when it runs, so that the language commands start fast.
 */
import { Command, CommanderError } from 'commander';
import { runCheck } from './commands/check.ts';
import { runFmt } from './commands/fmt.ts';
import { addSettingOptions, settingOverrides } from './trainOptions.ts';

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

program
  .command('backends')
  .description('list the TensorFlow.js backends, whether each loads here and why not, the GPUs WebGPU sees, and what `auto` picks')
  .option('--json', 'print the report as JSON')
  .action(async (options: { json?: boolean }) => {
    // Loaded here, not at the top: the trainer brings TensorFlow.js.
    const { runBackends } = await import('./commands/backends.ts');
    process.exitCode = await runBackends(options, out);
  });

addSettingOptions(
  program
    .command('train')
    .description('train a .dnn spec with DropNeuron; every setting flag overrides the spec')
    .argument('[file]', '.dnn spec file (omit with --resume)'),
)
  .option('--out <dir>', 'run folder (default .dropneuron/runs/<model>-<time>/ beside the spec)')
  .option('--resume <dir>', 'continue the run in this folder from its last checkpoint')
  .option('--json', 'print the event stream (JSON lines) instead of a progress bar')
  .action(async (file: string | undefined, flags: { out?: string; resume?: string; json?: boolean }, command: Command) => {
    if (!file && !flags.resume) {
      err('dropneuron train: expected a .dnn file or --resume RUN_DIR, found neither');
      process.exitCode = 2;
      return;
    }
    // Loaded here, not at the top: TensorFlow.js takes a noticeable share of a second to load.
    const { runTrain } = await import('./commands/train.ts');
    process.exitCode = await runTrain(file, { ...flags, overrides: settingOverrides(command) });
  });

async function main(): Promise<void> {
  await program.parseAsync();
}

main().catch((error: unknown) => {
  // Commander has already printed its message (unknown option, missing argument, --help).
  process.exitCode = error instanceof CommanderError ? (error.exitCode === 0 ? 0 : 2) : 1;
  if (!(error instanceof CommanderError)) err(`dropneuron: internal error: ${(error as Error).stack ?? String(error)}`);
});
