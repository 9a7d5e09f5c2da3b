import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { panelColumn } from './panelColumn.ts';
import { panelTitle } from './panelTitle.ts';
import type { RunRecord, RunStore } from './runStore.ts';
import { isInside, revealFolder } from './reveal.ts';
import { statsHtml } from './statsHtml.ts';
import type { ThresholdActions } from './thresholdActions.ts';
import { isFromWebview, type ToWebview } from '../webview/messages.ts';
import type { TrainerEvent } from '../../protocol/events.ts';

/** What a panel's buttons do with its run; panelActions.ts supplies them (it has the language client). */
export interface PanelActions {
  stop(run: RunRecord): void;
  /** Continue an interrupted run; resolves to the record of the resumed run, shown in the same panel. */
  resume(run: RunRecord): Promise<RunRecord | undefined>;
  /** The threshold slider's curve, exact prunes, "Use this threshold" and "Export compact model here". */
  threshold: ThresholdActions;
  /** Every event a run folder holds (the server reads it): what a panel restored after a reload shows. */
  events(runDir: string): Promise<TrainerEvent[]>;
  /** "Use these settings": `settings` and `threshold` written into the spec `specUri`, as one WorkspaceEdit (one Undo). */
  useSettings(specUri: string, runDir: string, settings: Record<string, number>): Promise<void>;
}

/** How a panel names its run: the spec and when the run started. */
export interface ShowOptions {
  /** When the run started (ISO time, run.json's `started`); now, for a run that has just started. */
  started?: string;
  /** The run has no final event and no trainer runs it any more. */
  interrupted?: boolean;
}

/**
 * A stats panel beside the editor: one per run, titled by its spec and start time, so runs at once each have
 * their own place. Showing a run whose panel is open reveals that panel. A panel survives hide/show and window
 * reloads through the webview's own state and a serializer (no retainContextWhenHidden).
 */
export class StatsPanel {
  static readonly viewType = 'dropneuron.stats';
  private static readonly panels = new Set<StatsPanel>();
  private run: RunRecord | undefined;
  /** The run folder (or, before its start event, the run id) this panel shows: how a run finds its panel. */
  private key: string | undefined;
  private interrupted = false;
  /** When the shown run started (ISO time): the title's time, kept when the title gains the run's overrides. */
  private started: string | undefined;
  /** The run id a panel restored after a reload last showed: the server keeps it for a run it re-attaches to. */
  private restoredRunId: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows a run in its own panel: opened mid-run, the panel replays the events so far, then follows. */
  static show(context: vscode.ExtensionContext, runs: RunStore, run: RunRecord, actions: PanelActions, options: ShowOptions = {}): StatsPanel {
    const open = [...StatsPanel.panels].find((p) => p.shows(run));
    if (open) {
      open.panel.reveal(open.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      open.showRun(run, options);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      StatsPanel.viewType,
      'DropNeuron',
      { viewColumn: panelColumn(), preserveFocus: true },
      StatsPanel.options(context),
    );
    const stats = new StatsPanel(panel, context, runs, actions);
    stats.showRun(run, options);
    return stats;
  }

  static register(context: vscode.ExtensionContext, runs: RunStore, actions: PanelActions): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(StatsPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        // The webview restores its own content from its saved state; here it gets its HTML and handlers back,
        // and the run folder it shows, so that showing that run again reveals it rather than opening another.
        panel.webview.options = StatsPanel.options(context);
        const restored = new StatsPanel(panel, context, runs, actions);
        const saved = state as { runId?: unknown; events?: unknown } | undefined;
        const start = Array.isArray(saved?.events)
          ? (saved.events as { type?: unknown; runDir?: unknown; specPath?: unknown }[]).find((e) => e?.type === 'start')
          : undefined;
        if (typeof start?.runDir === 'string') restored.key = start.runDir;
        else if (typeof saved?.runId === 'string' && saved.runId) restored.key = saved.runId;
        if (typeof saved?.runId === 'string' && saved.runId) restored.restoredRunId = saved.runId;
        await restored.restore(runs, typeof start?.specPath === 'string' ? start.specPath : undefined);
      },
    });
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media')] };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    runs: RunStore,
    private readonly actions: PanelActions,
  ) {
    StatsPanel.panels.add(this);
    const media = (file: string): string => panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'media', file)).toString();
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'dropneuron.svg');
    panel.webview.html = statsHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: media('webview.js'),
      styleUri: media('stats.css'),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      runs.onEvent((run, event) => {
        // A panel restored after a reload follows its run again once the server says it still trains it (its
        // events come back whole), replacing what the panel read from the run's folder meanwhile.
        if (run !== this.run && this.shows(run) && (!this.run || this.run.runId.startsWith('folder:')) && !run.runId.startsWith('folder:'))
          return this.follow(runs, run);
        if (run !== this.run) return;
        if (event.type === 'start') {
          this.key = event.runDir;
          // A run shown before its start event was titled without its overrides: the start event names them.
          if (this.started) this.panel.title = panelTitle(run, this.started);
        }
        this.post({ type: 'event', runId: run.runId, event });
        if (event.type === 'done') void this.sendCurve(run);
      }),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
    );
  }

  /** Whether this panel shows `run`: the same record, or the same run folder (a past run, a resumed one). */
  private shows(run: RunRecord): boolean {
    return run === this.run || run.runId === this.restoredRunId || (this.key !== undefined && (this.key === run.runDir || this.key === run.runId));
  }

  /**
   * A panel restored after a reload shows its run again: the record this window already has (the server may have
   * said it still trains it before the panel came back), else the events its folder holds; a run still training
   * then takes over through the store (see the constructor).
   */
  private async restore(runs: RunStore, specPath: string | undefined): Promise<void> {
    const key = this.key;
    if (key === undefined) return;
    const known = runs.byRunDir(key) ?? runs.get(key) ?? (this.restoredRunId ? runs.get(this.restoredRunId) : undefined);
    if (known?.events.some((e) => e.type === 'start')) return this.showRun(known, {});
    if (!path.isAbsolute(key) || !specPath) return;
    let events: TrainerEvent[];
    try {
      events = await this.actions.events(key);
    } catch {
      return; // the page keeps what its own state holds
    }
    // Meanwhile the run may have come back whole (the server says it trains it): nothing to add then.
    if (this.run?.events.some((e) => e.type === 'start') || !events.length) return;
    const past = runs.load(key, vscode.Uri.file(specPath).toString(), events);
    const live = this.run ?? known ?? (this.restoredRunId ? runs.get(this.restoredRunId) : undefined);
    if (live) this.follow(runs, live, past);
    else this.showRun(past, {});
  }

  /** Shows a run still training, its earlier events (those before this window heard it) taken from its folder. */
  private follow(runs: RunStore, live: RunRecord, past = this.run): void {
    if (past?.runId.startsWith('folder:')) runs.backfill(live, past);
    this.showRun(live, {});
  }

  private async receive(message: unknown): Promise<void> {
    if (!isFromWebview(message)) return; // only the typed union is accepted
    switch (message.type) {
      case 'ready':
        if (this.run) this.showRun(this.run, { interrupted: this.interrupted });
        return;
      case 'stop':
        if (this.run) this.actions.stop(this.run);
        return;
      case 'resume': {
        if (!this.run) return;
        const resumed = await this.actions.resume(this.run);
        if (resumed) this.showRun(resumed, { interrupted: false });
        return;
      }
      case 'exportModel':
        if (this.run?.runDir) void vscode.commands.executeCommand('dropneuron.exportModel', this.run.runDir);
        return;
      case 'prune': {
        const run = this.run;
        if (!run?.runDir) return;
        const reply = await this.actions.threshold.prune(run.runDir, message.threshold);
        const result = 'error' in reply ? reply : reply.results[0] ? { summary: reply.results[0].summary } : { error: 'the server measured nothing' };
        if (run === this.run) this.post({ type: 'pruned', runId: run.runId, threshold: message.threshold, ...result });
        return;
      }
      case 'useThreshold':
        if (this.run?.runDir) await this.actions.threshold.useThreshold(this.run.uri, this.run.runDir, message.threshold);
        return;
      case 'exportAt':
        if (this.run?.runDir) await this.actions.threshold.exportAt(this.run.runDir, message.threshold);
        return;
      case 'useSettings': {
        // What the run itself settled on, from its own events: a fixed-λ run of the edited spec reproduces it.
        const run = this.run;
        const done = run?.events.find((e) => e.type === 'done');
        const found = done?.type === 'done' ? done.summary.auto?.settings : undefined;
        if (!run?.runDir || !found || !Object.keys(found).length) return;
        await this.actions.useSettings(run.uri, run.runDir, found);
        return;
      }
      case 'openFolder':
      case 'openFile': {
        // Only paths really inside the shown run's folder (links followed): the webview does not choose what to open.
        const runDir = this.run?.runDir;
        const target = path.resolve(message.path);
        if (!runDir || !isInside(target, runDir)) return;
        const uri = vscode.Uri.file(target);
        void (message.type === 'openFile' ? vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One }) : revealFolder(uri));
      }
    }
  }

  private showRun(run: RunRecord, options: ShowOptions): void {
    this.run = run;
    this.key = run.runDir ?? run.runId;
    this.interrupted = options.interrupted ?? run.status === 'interrupted';
    if (options.started || !this.panel.title.includes('·')) {
      this.started = options.started ?? new Date().toISOString();
      this.panel.title = panelTitle(run, this.started);
    }
    this.post({ type: 'reset', runId: run.runId, title: this.panel.title, events: run.events, ...(this.interrupted ? { interrupted: true } : {}) });
    void this.sendCurve(run);
  }

  /** A finished run's threshold curve, as soon as its folder has one (the server reads it). */
  private async sendCurve(run: RunRecord): Promise<void> {
    if (!run.runDir || !run.events.some((e) => e.type === 'done')) return;
    const curve = await this.actions.threshold.curve(run.runDir);
    if (curve && run === this.run) this.post({ type: 'curve', runId: run.runId, curve });
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    StatsPanel.panels.delete(this);
    for (const d of this.disposables) d.dispose();
  }
}
