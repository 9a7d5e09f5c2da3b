import type * as vscode from 'vscode';
import { registerBackendsCommand } from './commands/backends.ts';
import type { CommandDeps } from './commands/deps.ts';
import { registerExportCommand } from './commands/export.ts';
import { registerImportModelCommand } from './commands/importModel.ts';
import { registerNewFromDataCommand } from './commands/newFromData.ts';
import { registerNewFromExampleCommand } from './commands/newFromExample.ts';
import { registerResumeCommand } from './commands/resume.ts';
import { registerRunCommands } from './commands/runs.ts';
import { registerShrinkCommand } from './commands/shrink.ts';
import { registerSweepCommands } from './commands/sweep.ts';
import { registerTrainCommands } from './commands/train.ts';

/**
 * Every command of the extension (package.json's `contributes.commands`), one module per feature under
 * commands/: each registers its own commands and gets what it needs from `deps`.
 */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return [
    ...registerTrainCommands(deps),
    ...registerResumeCommand(deps),
    ...registerRunCommands(deps),
    ...registerShrinkCommand(deps),
    ...registerSweepCommands(deps),
    ...registerExportCommand(deps),
    ...registerBackendsCommand(deps),
    ...registerNewFromExampleCommand(deps),
    ...registerNewFromDataCommand(deps),
    ...registerImportModelCommand(deps),
  ];
}
