// `npm run test:vscode`: the extension API suite (test/vscode/, mocha against the `vscode` API) inside a real
// VS Code extension host. See docs/testing.md.
//
// 1. Builds the extension (scripts/build.mjs) and the suite (esbuild: CommonJS, `vscode` and mocha external)
//    into out/vscode-test/.
// 2. Runs it in the first VS Code it finds:
//    - VSCODE_EXECUTABLE: a desktop VS Code's binary (/usr/share/code/code on Linux; on macOS
//      `Visual Studio Code.app/Contents/MacOS/Electron`), started by @vscode/test-electron's runTests
//      (vscodeExecutablePath, extensionDevelopmentPath, extensionTestsPath, launchArgs); its exit code is the result.
//      Needs a display (xvfb-run on a headless Linux).
//    - `--download` (or VSCODE_DOWNLOAD=1): the same, in the VS Code that @vscode/test-electron downloads into
//      .vscode-test/ (runTests without vscodeExecutablePath: the newest stable release that package.json's
//      engines.vscode accepts). Needs the internet; offline it stops with one sentence saying so. Never tried on
//      these machines: they reach only the npm registry and Debian, and have no desktop VS Code.
//    - else code-server (CODE_SERVER_PATH, or the one test/e2e/setup.sh installs into .vscode-test/): the workbench
//      takes --extensionDevelopmentPath and --extensionTestsPath from its URL's `payload` (as VS Code's own
//      browser integration tests do), hands them to the Node extension host on the server, which loads the suite
//      and calls its run(); when it ends, the workbench calls `window.codeAutomationExit(code)`, which this
//      script exposes to the page it opens in headless Chromium (playwright-core, Debian's /usr/bin/chromium).
//      This is the offline path, the one CI uses.
//    - else it builds the suite and says plainly that no VS Code was available (exit 0 with that message).
// The suite's mocha output is written line by line to a report file, which this script prints as it grows.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'out', 'vscode-test');
const CODE_SERVER = process.env.CODE_SERVER_PATH ?? join(ROOT, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');
/** The e2e suite's Chromium launch (test/e2e/chromium.json): the same browser, the same flags. */
const CHROMIUM_LAUNCH = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'test', 'e2e', 'chromium.json'), 'utf8'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? CHROMIUM_LAUNCH.executablePath;
/** `--download` or VSCODE_DOWNLOAD=1: a desktop VS Code downloaded by @vscode/test-electron. */
const DOWNLOAD = process.argv.includes('--download') || process.env.VSCODE_DOWNLOAD === '1';
const TIMEOUT_MS = Number(process.env.DROPNEURON_VSCODE_TEST_TIMEOUT_MS ?? 15 * 60_000);
const RESULT = /^DROPNEURON_VSCODE_TEST_RESULT (.*)$/m;
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

function say(line) {
  console.log(`test:vscode: ${line}`);
}

async function buildAll() {
  const extension = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (extension.status !== 0) throw new Error('expected the extension to build (scripts/build.mjs), it failed');
  rmSync(OUT, { recursive: true, force: true });
  const suite = readdirSync(join(ROOT, 'test', 'vscode', 'suite')).filter((f) => f.endsWith('.suite.ts'));
  await build({
    entryPoints: ['test/vscode/index.ts', ...suite.map((f) => `test/vscode/suite/${f}`)],
    absWorkingDir: ROOT,
    outdir: OUT,
    outbase: 'test/vscode',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
    // `vscode` is the extension host's; mocha is required from node_modules (its reporters load dynamically).
    external: ['vscode', 'mocha'],
  });
}

/** A throwaway workspace (a copy of test/vscode/fixtures), user data and extensions folder. */
function scratch(trusted = true) {
  const base = mkdtempSync(join(tmpdir(), 'dnn-vscode-test-'));
  const dirs = { base, workspace: join(base, 'workspace'), data: join(base, 'data'), extensions: join(base, 'extensions'), report: join(base, 'report.txt') };
  cpSync(join(ROOT, 'test', 'vscode', 'fixtures'), dirs.workspace, { recursive: true });
  mkdirSync(join(dirs.data, 'User'), { recursive: true });
  mkdirSync(dirs.extensions, { recursive: true });
  writeFileSync(
    join(dirs.data, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': !trusted,
      'security.workspace.trust.startupPrompt': 'never',
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoUpdate': false,
      'git.enabled': false,
    }),
  );
  writeFileSync(dirs.report, '');
  return dirs;
}

/** Prints what the suite appends to the report file, as it comes. */
function follow(report) {
  let printed = 0;
  const flush = () => {
    const text = existsSync(report) ? readFileSync(report, 'utf8') : '';
    if (text.length > printed) process.stdout.write(text.slice(printed));
    printed = text.length;
    return text;
  };
  const timer = setInterval(flush, 500);
  return () => {
    clearInterval(timer);
    return flush();
  };
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

/** The extension host's log files, for a failure that mocha's output does not explain. */
function hostLogs(data) {
  const found = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/exthost|remoteagent|DropNeuron/i.test(path) && path.endsWith('.log')) found.push(`== ${path}\n${readFileSync(path, 'utf8').slice(-6000)}`);
    }
  };
  walk(join(data, 'logs'));
  return found.join('\n');
}

/** An error whose message is the whole story: printed alone, without a stack. */
class Plain extends Error {}

/**
 * The desktop VS Code's binary: VSCODE_EXECUTABLE, or (`--download` / VSCODE_DOWNLOAD=1) the one
 * @vscode/test-electron downloads into .vscode-test/; undefined when neither is asked for.
 */
async function desktopExecutable() {
  const given = process.env.VSCODE_EXECUTABLE;
  if (given) {
    if (!existsSync(given)) throw new Plain(`VSCODE_EXECUTABLE=${given} does not exist: point it at a desktop VS Code's binary (Linux: /usr/share/code/code).`);
    return given;
  }
  if (!DOWNLOAD) return undefined;
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  say('downloading VS Code with @vscode/test-electron (the newest stable release that engines.vscode accepts)');
  try {
    return await downloadAndUnzipVSCode({ extensionDevelopmentPath: ROOT });
  } catch (error) {
    throw new Plain(
      `could not download VS Code (${error.message}): --download needs the internet; offline, set VSCODE_EXECUTABLE to an installed VS Code, or leave both out to use code-server (bash test/e2e/setup.sh installs it).`,
    );
  }
}

/**
 * One pass of the suite in a desktop VS Code (options as for runInCodeServer), started by @vscode/test-electron's
 * runTests; VS Code's exit code is the result. runTests always passes --disable-workspace-trust, so the untrusted
 * (Restricted Mode) pass starts the same binary with the same arguments less that one.
 */
async function runInDesktop(executable, { trusted, grep, invert }) {
  const { runTests, TestRunFailedError } = await import('@vscode/test-electron');
  say(`running in the VS Code at ${executable} (${trusted ? 'trusted' : 'untrusted: Restricted Mode'} workspace)`);
  const dirs = scratch(trusted);
  const extensionTestsPath = join(OUT, 'index.js');
  const launchArgs = [dirs.workspace, `--user-data-dir=${dirs.data}`, `--extensions-dir=${dirs.extensions}`, '--disable-gpu'];
  const extensionTestsEnv = {
    DROPNEURON_VSCODE_TEST_REPORT: dirs.report,
    DROPNEURON_VSCODE_TEST_GREP: grep,
    DROPNEURON_VSCODE_TEST_INVERT: invert ? '1' : '0',
  };
  const stopFollowing = follow(dirs.report);
  let code;
  let report;
  try {
    if (trusted) {
      code = await runTests({ vscodeExecutablePath: executable, extensionDevelopmentPath: ROOT, extensionTestsPath, launchArgs, extensionTestsEnv }).catch(
        (error) => {
          if (error instanceof TestRunFailedError) return error.code || 1;
          throw error;
        },
      );
    } else {
      // runTests' own arguments (node_modules/@vscode/test-electron/out/runTest.js) but --disable-workspace-trust.
      const args = [...launchArgs, '--no-sandbox', '--disable-gpu-sandbox', '--disable-updates', '--skip-welcome', '--skip-release-notes'];
      args.push(`--extensionTestsPath=${extensionTestsPath}`, `--extensionDevelopmentPath=${ROOT}`);
      const child = spawn(executable, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...extensionTestsEnv } });
      code = await new Promise((done) => {
        child.on('error', (error) => {
          say(`could not start ${executable}: ${error.message}`);
          done(1);
        });
        child.on('exit', (c, signal) => done(c ?? (signal ? 1 : 0)));
      });
    }
  } finally {
    report = stopFollowing();
    rmSync(dirs.base, { recursive: true, force: true, maxRetries: 3 });
  }
  const result = RESULT.exec(report);
  if (!result) {
    say(`VS Code exited ${code} without the suite's result line: the suite did not run to its end`);
    return 1;
  }
  return JSON.parse(result[1]).failures > 0 ? 1 : code;
}

/**
 * One pass of the suite in code-server. `trusted`: workspace trust off (everything allowed); else trust on and
 * the fresh workspace never trusted (Restricted Mode). `grep`/`invert` pick the tests by title.
 */
async function runInCodeServer({ trusted, grep, invert }) {
  const { chromium } = await import('playwright-core');
  if (!existsSync(CHROMIUM)) throw new Error(`expected Chromium at ${CHROMIUM} (bash scripts/setup-system.sh chromium), found none`);
  const dirs = scratch(trusted);
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  say(`starting code-server on ${authority} (${trusted ? 'trusted' : 'untrusted: Restricted Mode'} workspace ${dirs.workspace})`);
  let serverLog = '';
  const server = spawn(
    CODE_SERVER,
    [
      '--auth',
      'none',
      '--bind-addr',
      authority,
      '--user-data-dir',
      dirs.data,
      '--extensions-dir',
      dirs.extensions,
      '--disable-telemetry',
      '--disable-update-check',
      ...(trusted ? ['--disable-workspace-trust'] : []),
      dirs.workspace,
    ],
    // The extension host inherits this environment: the suite writes its report where this script reads it.
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        DROPNEURON_VSCODE_TEST_REPORT: dirs.report,
        DROPNEURON_VSCODE_TEST_GREP: grep,
        DROPNEURON_VSCODE_TEST_INVERT: invert ? '1' : '0',
      },
    },
  );
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));
  const serverExit = new Promise((done) => server.on('exit', (code, signal) => done(`code-server exited (${code ?? signal}) before the suite ended`)));
  let browser;
  const stopFollowing = follow(dirs.report);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await globalThis.fetch(`http://${authority}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`expected code-server to listen on ${authority}, found:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_LAUNCH.args });
    const page = await browser.newPage();
    let exited;
    const automationExit = new Promise((done) => (exited = done));
    // Called by the workbench when the extension host that ran the tests exits (VS Code's IAutomatedWindow).
    await page.exposeFunction('codeAutomationExit', (code) => exited(Number(code)));
    page.on('pageerror', (error) => say(`page error: ${error.message}`));
    const remote = (path) => `vscode-remote://${authority}${path}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(join(OUT, 'index.js'))],
      ['skipWelcome', 'true'],
    ]);
    await page.goto(`http://${authority}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(payload)}`);
    say(`workbench opened (${seconds()}); the suite runs in code-server's extension host`);
    let timer;
    const timeout = new Promise((done) => (timer = setTimeout(() => done(`no result after ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS)));
    const outcome = await Promise.race([automationExit, serverExit, timeout]);
    clearTimeout(timer);
    const report = stopFollowing();
    if (typeof outcome === 'string') {
      say(`${outcome}\n${hostLogs(dirs.data)}\n== code-server\n${serverLog.slice(-4000)}`);
      return 1;
    }
    const result = RESULT.exec(report);
    if (!result) {
      say(`the extension host exited ${outcome} without the suite's result line: the suite did not run to its end\n${hostLogs(dirs.data)}`);
      return 1;
    }
    const { failures } = JSON.parse(result[1]);
    if (failures > 0 || outcome !== 0) say(`extension host logs:\n${hostLogs(dirs.data)}`);
    return failures > 0 ? 1 : outcome;
  } finally {
    stopFollowing();
    await browser?.close().catch(() => {});
    if (server.pid) {
      const signal = (name) => {
        try {
          process.kill(-server.pid, name); // its process group: server, extension host, language server, trainers
        } catch {
          // already gone
        }
      };
      signal('SIGTERM');
      const gone = await Promise.race([serverExit.then(() => true), new Promise((r) => setTimeout(() => r(false), 15_000))]);
      if (!gone) signal('SIGKILL');
    }
    if (!process.env.DROPNEURON_VSCODE_TEST_KEEP) rmSync(dirs.base, { recursive: true, force: true, maxRetries: 3 });
  }
}

await buildAll();
say(`built the extension and the suite into ${OUT} (${seconds()})`);
const executable = await desktopExecutable().catch((error) => {
  if (!(error instanceof Plain)) throw error;
  say(error.message);
  process.exit(1);
});
const runPass = executable ? (options) => runInDesktop(executable, options) : existsSync(CODE_SERVER) ? runInCodeServer : undefined;
if (!runPass) {
  say(
    `no VS Code available: VSCODE_EXECUTABLE is not set, --download was not asked for and code-server is not installed at ${CODE_SERVER} ` +
      '(bash test/e2e/setup.sh installs it). The suite was built but NOT run.',
  );
  process.exit(0);
}
// Workspace trust cannot be changed through the extension API: the Restricted Mode tests get a session of their own.
const RESTRICTED = 'Restricted Mode';
// DROPNEURON_VSCODE_TEST_ONLY=<title pattern>: one session with those tests only (untrusted if it names Restricted Mode).
const only = process.env.DROPNEURON_VSCODE_TEST_ONLY;
let code = only
  ? await runPass({ trusted: !only.includes(RESTRICTED), grep: only, invert: false })
  : await runPass({ trusted: true, grep: RESTRICTED, invert: true });
if (!only) code = (await runPass({ trusted: false, grep: RESTRICTED, invert: false })) || code;
say(`${code === 0 ? 'passed' : 'FAILED'} in ${seconds()}`);
process.exit(code);
