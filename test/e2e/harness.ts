import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const ROOT = join(import.meta.dirname, '..', '..');
const CODE_SERVER = join(ROOT, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
/** Debian's Chromium and its flags, shared with scripts/test-vscode.mjs. */
export const CHROMIUM_LAUNCH = JSON.parse(readFileSync(join(import.meta.dirname, 'chromium.json'), 'utf8')) as { executablePath: string; args: string[] };
export const OUT = join(ROOT, 'test-output', 'e2e');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Whether `locator` shows within `timeoutMs`: for a list that may open empty, and is then opened again. */
async function appears(locator: Locator, timeoutMs: number): Promise<boolean> {
  return locator.waitFor({ timeout: timeoutMs }).then(
    () => true,
    () => false,
  );
}

/**
 * A real VS Code (code-server's workbench and extension host) with the extension installed from its .vsix,
 * in throwaway folders, driven from headless Chromium. Everything it starts is stopped by process id.
 */
export class Workbench {
  page!: Page;
  workspace!: string;
  private browser!: Browser;
  private server!: ChildProcess;
  private dataDir!: string;
  private serverLog = '';

  /** Starts code-server on a fresh workspace holding the examples and `files` (name → text). */
  static async start(files: Record<string, string> = {}): Promise<Workbench> {
    const w = new Workbench();
    try {
      await w.launch(files);
    } catch (error) {
      // Nobody holds a half-started workbench to stop it later: stop its code-server and browser here.
      await w.stop();
      throw error;
    }
    return w;
  }

  private async launch(files: Record<string, string>): Promise<void> {
    if (!existsSync(CODE_SERVER)) throw new Error(`expected code-server at ${CODE_SERVER}, found none: run \`bash test/e2e/setup.sh\``);
    // DNN_E2E_VSIX: another .vsix (e.g. one packaged with --out for a run beside others).
    const vsix = process.env.DNN_E2E_VSIX ?? join(ROOT, 'dropneuron.vsix');
    if (!existsSync(vsix)) throw new Error('expected dropneuron.vsix: run `npm run package`');
    const base = mkdtempSync(join(tmpdir(), 'dnn-e2e-'));
    this.dataDir = join(base, 'data');
    const extensions = join(base, 'extensions');
    this.workspace = join(base, 'workspace');
    mkdirSync(join(this.dataDir, 'User'), { recursive: true });
    mkdirSync(this.workspace, { recursive: true });
    cpSync(join(ROOT, 'examples'), join(this.workspace, 'examples'), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(this.workspace, name), text);
    writeFileSync(
      join(this.dataDir, 'User', 'settings.json'),
      JSON.stringify({
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'editor.inlayHints.enabled': 'on',
        'git.enabled': false,
      }),
    );
    const install = spawnSync(CODE_SERVER, ['--extensions-dir', extensions, '--user-data-dir', this.dataDir, '--install-extension', vsix], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (install.status !== 0) throw new Error(`expected the .vsix to install, found: ${install.stderr || install.stdout}`);
    const port = await freePort();
    this.server = spawn(
      CODE_SERVER,
      [
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--user-data-dir',
        this.dataDir,
        '--extensions-dir',
        extensions,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        this.workspace,
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.server.stdout!.on('data', (d: Buffer) => (this.serverLog += d.toString()));
    this.server.stderr!.on('data', (d: Buffer) => (this.serverLog += d.toString()));
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(this.workspace)}`;
    await waitFor('code-server to listen', async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    });
    this.browser = await chromium.launch(CHROMIUM_LAUNCH);
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 900 } });
    this.page = await context.newPage();
    await this.page.goto(url);
    await this.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  }

  /**
   * Runs a command from the command palette, as a person does. The palette lists an extension's commands only once
   * the workbench has registered them, seconds after a new window shows (longer on a busy machine), and a palette
   * opened before lists none: it is closed and opened again until the command is listed.
   */
  async command(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await waitFor(
      `${title} in the command palette`,
      async () => {
        await this.page.keyboard.press('F1');
        // A window still starting can drop the key too (a clean CI saw the palette stay closed): press it again.
        if (!(await appears(input, 5_000))) return undefined;
        await input.fill(`>${title}`);
        const listed = await appears(this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first(), 5_000);
        await this.page.keyboard.press(listed ? 'Enter' : 'Escape');
        return listed ? true : undefined;
      },
      90_000,
    );
  }

  /** Opens a workspace file with Quick Open. */
  async openFile(relative: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(relative);
    // Recently opened files show first while the file search runs: wait until the top row is this file.
    const name = relative.split('/').pop()!;
    await waitFor(
      `Quick Open to list ${name} first`,
      async () => ((await this.page.locator('.quick-input-list .monaco-list-row').first().getAttribute('aria-label'))?.includes(name) ? true : undefined),
      30_000,
    );
    await this.page.keyboard.press('Enter');
    // In the focused group: a run's panel is titled after its spec too, and may be the active tab of another group.
    await this.page.locator(`.editor-group-container.active .tab.active[aria-label*="${name}"]`).waitFor();
    await this.page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  /** The stats webview's content frame (webviews are iframes inside the workbench). */
  stats(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  async screenshot(name: string): Promise<void> {
    mkdirSync(OUT, { recursive: true });
    await this.page.screenshot({ path: join(OUT, `${name}.png`) });
  }

  /** The workbench's log files whose path matches `pattern`, under this session's data folder. */
  private logFiles(pattern: RegExp): string[] {
    const found: string[] = [];
    const walk = (dir: string): void => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (pattern.test(path)) found.push(path);
      }
    };
    walk(join(this.dataDir, 'logs'));
    return found;
  }

  /** The extension's own log (its "DropNeuron" output channel), whole: what it told the user. */
  extensionLog(): string {
    return this.logFiles(/DropNeuron\.log$/)
      .map((path) => readFileSync(path, 'utf8'))
      .join('\n');
  }

  /** The extension host log and code-server's own output, for failures. */
  logs(): string {
    const found = this.logFiles(/(exthost|DropNeuron|dropneuron).*\.log$/i).map((path) => `== ${path}\n${readFileSync(path, 'utf8').slice(-8000)}`);
    return `${found.join('\n')}\n== code-server\n${this.serverLog.slice(-4000)}`;
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => {});
    // Trainers are detached (a run outlives a window reload), so the process group below does not hold them:
    // end every one the workspace's run folders name (trainer.json).
    const runs = join(this.workspace ?? '', '.dropneuron', 'runs');
    for (const run of existsSync(runs) ? readdirSync(runs) : []) {
      try {
        process.kill((JSON.parse(readFileSync(join(runs, run, 'trainer.json'), 'utf8')) as { pid: number }).pid, 'SIGKILL');
      } catch {
        // no lock, or its process is gone
      }
    }
    if (this.server?.pid) {
      try {
        process.kill(-this.server.pid, 'SIGTERM'); // the whole process group: server, extension host, language server, trainers
      } catch {
        // already gone
      }
      await waitFor('code-server to exit', () => (this.server.exitCode !== null || this.server.signalCode !== null ? true : undefined), 15_000).catch(() => {
        try {
          process.kill(-this.server.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      });
    }
  }
}

export { appears, waitFor };
