/**
 * How a failed run reads in the editor: one sentence naming what failed and how to fix it, and the buttons that
 * do the fix. Pure (no VS Code API), so that the tests read every kind of failure without an editor; the
 * commands (commands/followRun.ts) turn each action into what it does.
 */
import type { ErrorEvent } from '../../protocol/events.ts';

export type FailureAction =
  | { title: 'Open Settings'; setting: string }
  | { title: 'Open Spec'; file?: string; line?: number; find?: RegExp }
  | { title: 'Resume'; runDir: string }
  | { title: 'Show Backends' }
  | { title: 'Show Log' };

export interface FailureView {
  message: string;
  actions: FailureAction[];
}

/** The trainer's spec errors start with "path:line:col: ": the button opens that place, so the sentence need not say it. */
function withoutPlace(message: string): string {
  return message.replace(/^.*?:\d+:\d+: /, '');
}

/** A run's error event as the user meets it; `spec` is the spec's file name. */
export function failureView(event: ErrorEvent, spec: string): FailureView {
  const log: FailureAction = { title: 'Show Log' };
  switch (event.kind) {
    case 'spec': {
      const line = event.range ? event.range.start.line : undefined;
      return {
        message: `${spec} has an error${line !== undefined ? ` on line ${line + 1}` : ''} that stops training: ${withoutPlace(event.message)}`,
        actions: [{ title: 'Open Spec', ...(event.file ? { file: event.file } : {}), ...(line !== undefined ? { line } : {}) }, log],
      };
    }
    case 'data':
      return {
        message: `The data of ${spec} could not be read, so it was not trained: ${event.message}. Fix the spec's \`data\` line or the file it names.`,
        actions: [{ title: 'Open Spec', ...(event.file ? { file: event.file } : {}), find: /^\s*data\b/ }, log],
      };
    case 'backend':
      return {
        message: `No backend could load to train ${spec}: ${event.message}. Show Backends lists what loads here; pick one with the spec's \`backend\` or the setting dropneuron.trainer.backend.`,
        actions: [{ title: 'Show Backends' }, { title: 'Open Settings', setting: 'dropneuron.trainer.backend' }, log],
      };
    case 'trainer':
      return { message: `Training ${spec} failed: ${event.message}`, actions: [log] };
    case 'io':
      return {
        message: `Training ${spec} stopped because its run folder could not be written: ${event.message}. Fix that (free some space), then resume: the run continues from its last checkpoint.`,
        actions: event.runDir ? [{ title: 'Resume', runDir: event.runDir }, log] : [log],
      };
    case 'crash': {
      // The server's crash events are sentences already; they name the setting or the folder behind them.
      const actions: FailureAction[] = [];
      if (event.setting) actions.push({ title: 'Open Settings', setting: event.setting });
      if (event.runDir) actions.push({ title: 'Resume', runDir: event.runDir });
      actions.push(log);
      return { message: event.message, actions };
    }
  }
}
