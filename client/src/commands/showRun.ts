import { RunEventsRequest, type RunInfo } from '../../../protocol/lsp.ts';
import { panelActions } from '../panelActions.ts';
import type { RunRecord } from '../runStore.ts';
import { StatsPanel, type ShowOptions } from '../statsPanel.ts';
import type { CommandDeps } from './deps.ts';

/** A run in its own stats panel (or the one already showing it). */
export function showRun({ context, client, runs }: CommandDeps, run: RunRecord, options?: ShowOptions): void {
  StatsPanel.show(context, runs, run, panelActions(client), options);
}

/** A run from its folder, in its own panel (or the one already showing it, live or not). */
export async function showPastRun(deps: CommandDeps, info: RunInfo, uri: string): Promise<void> {
  const live = deps.runs.latestFor(uri);
  const options = { started: info.started, interrupted: info.state === 'interrupted' };
  if (live?.runDir === info.runDir) return showRun(deps, live, options);
  showRun(deps, deps.runs.load(info.runDir, uri, await deps.client.sendRequest(RunEventsRequest, { runDir: info.runDir })), options);
}
