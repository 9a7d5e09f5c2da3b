/**
 * `dropneuron`: the command line. `check` and `fmt` need only the language core; `train` loads the trainer
 * (and TensorFlow.js) when it runs, so that the language commands start fast.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { runCheck } from './commands/check.ts';
import { runFmt } from './commands/fmt.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../protocol/modelFormats.ts';
import type { SweepAxis } from '../protocol/sweep.ts';
import { parseSweepFlag, parseThresholds } from './sweep/flags.ts';
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
  .option('--out <dir>', 'run folder: a new or empty one (default .dropneuron/runs/<model>-<time>/ beside the spec)')
  .option('--replace', "with --out: replace the earlier run of this spec in that folder (only the run's own files are removed)")
  .option('--resume <dir>', 'continue the run in this folder from its last checkpoint')
  .option('--json', 'print the event stream (JSON lines) instead of a progress bar')
  .action(async (file: string | undefined, flags: { out?: string; replace?: boolean; resume?: string; json?: boolean }, command: Command) => {
    if (!file && !flags.resume) {
      err('dropneuron train: expected a .dnn file or --resume RUN_DIR, found neither');
      process.exitCode = 2;
      return;
    }
    if (flags.replace && !flags.out) {
      err('dropneuron train: --replace replaces the run in the --out folder, found no --out: name the folder');
      process.exitCode = 2;
      return;
    }
    // Loaded here, not at the top: TensorFlow.js takes a noticeable share of a second to load.
    const { runTrain } = await import('./commands/train.ts');
    process.exitCode = await runTrain(file, { ...flags, overrides: settingOverrides(command) });
  });

program
  .command('prune')
  .description("re-prune a finished run's final weights at other thresholds, without training: the summary's statistics at each")
  .argument('<run_dir>', 'run folder')
  .option('--threshold <x,...>', "thresholds, comma-separated (default: the run's own)", parseThresholds)
  .option('--json', 'print one JSON result per threshold, a line each')
  .option('--write', 'also write each variant (summary, pruned spec, compact model) to RUN_DIR/pruned-<threshold>/')
  .action(async (runDir: string, flags: { threshold?: number[]; json?: boolean; write?: boolean }) => {
    // Loaded here, not at the top: the trainer brings TensorFlow.js.
    const { runPrune } = await import('./commands/prune.ts');
    process.exitCode = await runPrune(runDir, { thresholds: flags.threshold ?? [], json: !!flags.json, write: !!flags.write }, out, err);
  });

/** A commander parser for a whole number from 1 up. */
const positiveInteger = (value: string): number => {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError(`expected a whole number from 1 up, found ${JSON.stringify(value)}`);
  return Number(value);
};

addSettingOptions(
  program
    .command('sweep')
    .description(
      "train every combination of the spec's `sweep` values (and --sweep flags) as its own run, N at a time; sweep.json and frontier.svg hold the results and the Pareto front",
    )
    .argument('<file>', '.dnn spec file'),
)
  .option('--sweep <name=v1,v2>', "values to try for a setting (repeatable); replaces the spec's `sweep` line of that setting", parseSweepFlag)
  .option('--parallel <n>', 'trainer processes at once (default: half the cores; 1 on webgpu)', positiveInteger)
  .option('--out <dir>', 'sweep folder (default .dropneuron/sweeps/<model>/ beside the spec; rerunning resumes it)')
  .option('--queue <url>', 'hand the trials to `dropneuron worker`s through this Redis server (redis://HOST:PORT) instead of training here')
  .option('--json', "print each trial's events and result as JSON lines instead of progress bars")
  .action(async (file: string, flags: { sweep?: SweepAxis[]; parallel?: number; out?: string; queue?: string; json?: boolean }, command: Command) => {
    const { runSweep } = await import('./commands/sweep.ts');
    const { sweep, ...rest } = flags;
    process.exitCode = await runSweep(file, { ...rest, axes: sweep ?? [], overrides: settingOverrides(command) }, out, err);
  });

program
  .command('worker')
  .description('train the trials of `dropneuron sweep --queue` from a Redis queue, on this machine, until stopped (docs/scale-out.md)')
  .requiredOption('--queue <url>', 'the Redis server the sweep enqueues to: redis://HOST:PORT')
  .option('--concurrency <n>', 'trials trained at once, each in its own trainer process', positiveInteger, 1)
  .option('--lock-timeout <seconds>', 'how soon another worker takes over the trials of a worker that died', positiveInteger, 30)
  .option('--idle-exit <seconds>', 'exit once no trial has come for this long (a Kubernetes Job, a batch allocation)', positiveInteger)
  .action(async (flags: { queue: string; concurrency: number; lockTimeout: number; idleExit?: number }) => {
    // Loaded here, not at the top: BullMQ is needed only by the queue commands.
    const { runWorker } = await import('./commands/worker.ts');
    process.exitCode = await runWorker(flags, (line) => void process.stdout.write(line + '\n'), err);
  });

program
  .command('export')
  .description(
    "write a run's compact model (from its last finished epoch) as ONNX, safetensors + a PyTorch model.py, or a TensorFlow.js folder (docs/export.md)",
  )
  .argument('<run-dir>', 'the run folder')
  .requiredOption('--format <format>', EXPORT_FORMATS.join(', '), (value: string) => {
    if (!(EXPORT_FORMATS as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${EXPORT_FORMATS.join(', ')}, found ${JSON.stringify(value)}`);
    return value;
  })
  .option('--out <file>', "the file to write (a folder for tfjs); default the run's compact/ folder (model/ with --full)")
  .option('--full', 'the full (pruned, uncompacted) model instead, to compare sizes')
  .option('--json', "print the result (path, bytes, the other model's bytes) as one JSON object")
  .action(async (runDir: string, flags: { format: ExportFormat; out?: string; full?: boolean; json?: boolean }) => {
    // Loaded here, not at the top: the export brings the trainer.
    const { runExport } = await import('./commands/export.ts');
    process.exitCode = await runExport(runDir, flags, out, err);
  });

program
  .command('import')
  .description(
    'write a spec mirroring an ONNX model (as torch.onnx.export writes it) or a TF.js LayersModel (model.json) and a safetensors file of its weights, which the spec names with `weights` (docs/import.md)',
  )
  .argument('<model>', 'the .onnx file, or a TF.js model.json')
  .option('--data <data>', 'the spec\'s data: a data set\'s name and options ("synthetic classes=4") or a .csv file (default mnist)')
  .option('--out <spec>', 'the spec to write (default MODEL.dnn beside the model; the weights beside it as .safetensors); never over an existing file')
  .action(async (model: string, flags: { data?: string; out?: string }) => {
    // Loaded here, not at the top: the importer is part of the trainer.
    const { runImport } = await import('./commands/import.ts');
    process.exitCode = await runImport(model, flags, out, err);
  });

program
  .command('evaluate')
  .description(
    "the test metric of a spec's starting weights (its `weights` file's, else its initialisation's), or of a run folder's last checkpoint, without training",
  )
  .argument('<spec-or-run>', 'a .dnn spec, or a run folder')
  .option('--json', 'print the result as one JSON object')
  .action(async (file: string, flags: { json?: boolean }) => {
    // Loaded here, not at the top: evaluating brings the trainer and TensorFlow.js.
    const { runEvaluate } = await import('./commands/evaluate.ts');
    process.exitCode = await runEvaluate(file, flags, out, err);
  });

async function main(): Promise<void> {
  await program.parseAsync();
}

main().catch((error: unknown) => {
  // Commander has already printed its message (unknown option, missing argument, --help).
  process.exitCode = error instanceof CommanderError ? (error.exitCode === 0 ? 0 : 2) : 1;
  if (!(error instanceof CommanderError)) err(`dropneuron: internal error: ${(error as Error).stack ?? String(error)}`);
});
