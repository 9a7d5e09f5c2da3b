import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_SETTINGS, type Configuration } from './config.ts';

export const NODE_PATH_SETTING = 'dropneuron.trainer.nodePath';
const DEFAULT_MAX_BUFFER = 1024 * 1024;

/** Why the configured Node cannot run the CLI: one sentence, and the setting that fixes it. */
export interface NodeProblem {
  setting: typeof NODE_PATH_SETTING;
  message: string;
}

/** What a short CLI command left: its stdout, and when it failed, why: one plain sentence per fault, a line each. */
export interface CliOutcome {
  stdout: string;
  failure?: string;
}

export interface CliCommand {
  /** The CLI command: `prune`, `export`, `backends`. */
  command: string;
  /** Its flags and their values. */
  options?: readonly string[];
  /** Its paths: made absolute and passed after `--`, so that a folder named `-x` is never read as a flag. */
  paths?: readonly string[];
  /** A command that takes far longer than this is stuck: it is killed, and the failure says so. */
  timeoutMs: number;
  /** The most stdout the command may print. */
  maxBuffer?: number;
}

/**
 * Runs the CLI (`dist/cli.js`, beside the server's bundle) in child processes: the trainer and every short
 * command the server needs (`backends`, `prune`, `export`). Each runs with the Node that runs the trainer —
 * `dropneuron.trainer.nodePath`, else the server's own — checked here for every caller, so a wrong setting is the
 * same sentence whichever request met it. The server never loads TensorFlow.js itself: it would add a second or
 * more to its start and hundreds of MB to every editor window, for requests made now and then.
 */
export class CliRunner {
  constructor(
    private readonly config: Configuration,
    readonly cliPath: string = join(__dirname, 'cli.js'),
  ) {}

  /** The Node for work on `scope` (a file URI whose settings apply; none: the defaults), or why the configured one cannot be. */
  async node(scope: string | undefined): Promise<{ path: string } | NodeProblem> {
    const settings = scope ? await this.config.get(scope) : DEFAULT_SETTINGS;
    return configuredNode(settings.trainer.nodePath);
  }

  /** The arguments of Node for `cli.js COMMAND OPTIONS -- PATHS`. */
  args(command: string, options: readonly string[] = [], paths: readonly string[] = []): string[] {
    return [this.cliPath, command, ...options, ...(paths.length ? ['--', ...paths.map((p) => resolve(p))] : [])];
  }

  /** Runs a short command to its end. A failure is the CLI's own sentences (its tagged stderr lines), or why it did not run. */
  async run(scope: string | undefined, cli: CliCommand): Promise<CliOutcome> {
    const node = await this.node(scope);
    if ('message' in node) return { stdout: '', failure: node.message };
    const args = this.args(cli.command, cli.options, cli.paths);
    return new Promise((done) => {
      execFile(node.path, args, { timeout: cli.timeoutMs, maxBuffer: cli.maxBuffer ?? DEFAULT_MAX_BUFFER, windowsHide: true }, (error, stdout, stderr) => {
        if (!error) return done({ stdout });
        done({ stdout, failure: failureSentence(cli, node.path, error, stderr) });
      });
    });
  }
}

/** The Node that `dropneuron.trainer.nodePath` names (before anything is spawned), or the server's own when it is empty. */
function configuredNode(configured: string): { path: string } | NodeProblem {
  if (!configured) return { path: process.execPath };
  let fault: string | undefined;
  try {
    if (!statSync(configured).isFile()) fault = 'is not a file';
  } catch {
    fault = 'does not exist';
  }
  if (!fault) return { path: configured };
  return {
    setting: NODE_PATH_SETTING,
    message: `The Node that ${NODE_PATH_SETTING} names (${configured}) ${fault}: set it to a Node 20 or later, or clear it to use the editor's own.`,
  };
}

/** A Node that could not be started at all (spawn's error), as the end of a sentence naming the setting. */
export function nodeStartFault(node: string, error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  const fault = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be run (it is not executable)' : `cannot be run (${error.message})`;
  return `the Node at ${node} ${fault}. Set ${NODE_PATH_SETTING} to a Node 20 or later, or clear it to use the editor's own.`;
}

function failureSentence(cli: CliCommand, node: string, error: Error & { code?: unknown; killed?: boolean }, stderr: string): string {
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
    return `\`dropneuron ${cli.command}\` printed more than ${(cli.maxBuffer ?? DEFAULT_MAX_BUFFER) / 1024} KiB and was stopped.`;
  // A spawn failure has the errno's name as its code; a command that ran and failed, its exit status.
  if (typeof error.code === 'string') return `\`dropneuron ${cli.command}\` could not start: ${nodeStartFault(node, error)}`;
  if (error.killed) return `\`dropneuron ${cli.command}\` took over ${cli.timeoutMs / 1000} s and was stopped.`;
  // The CLI's own sentences are the lines it tags with its command, one per fault (`import` prints one per node it
  // does not read): all of them, a line each. Anything else failed before the CLI could say why: its last line.
  const tag = `dropneuron ${cli.command}: `;
  const lines = stderr.split('\n').map((line) => line.trim());
  const own = lines.filter((line) => line.startsWith(tag)).map((line) => line.slice(tag.length));
  return own.length ? own.join('\n') : lines.filter(Boolean).at(-1) || error.message;
}
