import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { statsHtml } from '../../client/src/statsHtml.ts';
import type { TrainerEvent } from '../../protocol/events.ts';
import { ROOT } from '../helpers/cli.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(ROOT, 'test-output');
const EVENTS = readFileSync(join(ROOT, 'test', 'fixtures', 'events', 'mnist-small.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as TrainerEvent);

/** VS Code's theme variables, as the workbench sets them, for the three kinds of theme. */
const THEMES: Record<string, Record<string, string>> = {
  dark: {
    'editor-background': '#1e1e1e',
    foreground: '#cccccc',
    descriptionForeground: '#9d9d9d',
    'charts-blue': '#3794ff',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'widget-border': '#454545',
    'editorWidget-background': '#252526',
    'button-background': '#0e639c',
    'button-foreground': '#ffffff',
    'button-secondaryBackground': '#3a3d41',
    'button-secondaryForeground': '#ffffff',
  },
  light: {
    'editor-background': '#ffffff',
    foreground: '#3b3b3b',
    descriptionForeground: '#717171',
    'charts-blue': '#1a85ff',
    'charts-orange': '#c27d1a',
    'charts-green': '#388a34',
    'charts-purple': '#652d90',
    'widget-border': '#d4d4d4',
    'editorWidget-background': '#f3f3f3',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
  },
  'high-contrast': {
    'editor-background': '#000000',
    foreground: '#ffffff',
    descriptionForeground: '#ffffff',
    'charts-blue': '#3794ff',
    'charts-orange': '#ff8c00',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'widget-border': '#6fc3df',
    'editorWidget-background': '#0c141f',
    'button-background': '#000000',
    'button-foreground': '#ffffff',
    'button-border': '#6fc3df',
    'button-secondaryBackground': '#000000',
    'button-secondaryForeground': '#ffffff',
  },
};

let server: Server;
let origin: string;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `expected Debian's chromium at ${CHROMIUM}, found none: run \`apt-get install -y chromium\` (.ci/run does)`);
  assert.ok(existsSync(join(ROOT, 'media', 'webview.js')), 'expected media/webview.js: run `npm run build`');
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (type: string, body: string | Buffer): void => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    if (url.pathname === '/webview.js') return send('text/javascript', readFileSync(join(ROOT, 'media', 'webview.js')));
    if (url.pathname === '/stats.css') return send('text/css', readFileSync(join(ROOT, 'media', 'stats.css')));
    if (url.pathname.startsWith('/theme-')) {
      const vars = THEMES[url.pathname.slice(7, -4)] ?? {};
      return send(
        'text/css',
        `body { ${Object.entries(vars)
          .map(([k, v]) => `--vscode-${k}: ${v};`)
          .join(' ')} --vscode-font-family: sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace; }`,
      );
    }
    if (url.pathname === '/page') {
      const theme = url.searchParams.get('theme') ?? 'dark';
      const state = url.searchParams.get('state');
      // The VS Code webview API, as the test sees it: messages and state recorded on window.
      const stub = `<script nonce="test-nonce">window.__posted = []; window.__state = ${state ?? 'undefined'}; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });</script>`;
      const inline = url.searchParams.has('inline') ? '<script>window.__inline = true;</script>' : '';
      const head = `<link rel="stylesheet" href="${origin}/theme-${theme}.css">${stub}${inline}`;
      return send('text/html', statsHtml({ cspSource: origin, nonce: 'test-nonce', scriptUri: `${origin}/webview.js`, styleUri: `${origin}/stats.css` }, head));
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  mkdirSync(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  await page.goto(`${origin}/page?${query}`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  return page;
}

const post = (page: Page, message: unknown): Promise<void> => page.evaluate((m) => window.postMessage(m, '*'), message);

describe('the stats webview in headless Chromium', () => {
  it('says it is ready, then shows a replayed run: layer bars, charts, mask and summary', async () => {
    const page = await open();
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted), [{ type: 'ready' }]);
    await post(page, { type: 'reset', runId: 'r1', title: 'mnist-small', events: EVENTS });
    await page.waitForSelector('#summary-box:not([hidden])');
    assert.deepEqual(await page.locator('.layer-label').allTextContents(), ['fc1 64 → 55', 'fc2 32 → 32', 'out 10 → 10']);
    assert.equal(await page.locator('#status').textContent(), 'done after 5 epochs on wasm');
    assert.equal(await page.locator('#mask-caption').textContent(), '312 of 784 pixels still feed the network');
    const summary = await page.locator('#summary tr').allTextContents();
    assert.ok(
      summary.some((r) => r.startsWith('fc1') && r.includes('55 / 64') && r.endsWith('55')),
      summary.join('\n'),
    );
    assert.match(
      (await page.locator('#verdict').textContent()) ?? '',
      /^Test accuracy 87\.95 % before pruning → 83\.01 % after · compression 11\.9× · compact model 19337 of 52650 parameters$/,
    );
    assert.equal(await page.evaluate(() => (window as unknown as { Chart?: unknown }).Chart), undefined, 'Chart.js is bundled, not a global');
    assert.equal(await page.locator('[data-card="compression"] .value').textContent(), '11.9×');
    for (const id of ['chart-loss', 'chart-metric', 'chart-density', 'chart-neurons', 'mask']) {
      const painted = await page.evaluate((canvasId) => {
        const c = document.getElementById(canvasId) as HTMLCanvasElement;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      }, id);
      assert.ok(painted > 100, `expected ${id} to be drawn, found ${painted} painted pixels`);
    }
    assert.equal(await page.isHidden('#stop'), true);
    await page.close();
  });

  it('updates live, one event at a time, and asks to stop while running', async () => {
    const page = await open();
    for (const event of EVENTS.slice(0, 3)) await post(page, { type: 'event', runId: 'live', event });
    assert.equal(await page.locator('#status').textContent(), 'epoch 2/5 · running on wasm');
    assert.equal(await page.isVisible('#stop'), true);
    await page.click('#stop');
    for (const event of EVENTS.slice(3)) await post(page, { type: 'event', runId: 'live', event });
    assert.deepEqual(await page.locator('.layer-label').allTextContents(), ['fc1 64 → 55', 'fc2 32 → 32', 'out 10 → 10']);
    const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    assert.deepEqual(posted, [{ type: 'ready' }, { type: 'stop' }]);
    await page.close();
  });

  it('says when a run is fine-tuning the pruned network', async () => {
    const finetune = readFileSync(join(ROOT, 'test', 'fixtures', 'events', 'mnist-finetune.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TrainerEvent);
    const page = await open();
    await post(page, { type: 'reset', runId: 'ft', title: 'mnist-finetune', events: finetune.slice(0, 4) });
    assert.equal(await page.locator('#status').textContent(), 'epoch 3/5 · running on wasm');
    await post(page, { type: 'event', runId: 'ft', event: finetune[4] });
    assert.equal(await page.locator('#status').textContent(), 'epoch 4/5 · fine-tuning the pruned network · running on wasm');
    await page.close();
  });

  it('ignores messages outside the typed union', async () => {
    const page = await open();
    await post(page, { type: 'event', runId: 'x', event: { type: 'epoch', bogus: true } });
    await post(page, { type: 'reset', runId: 'x', title: 7, events: [] });
    await post(page, '<img src=x onerror=alert(1)>');
    assert.equal(await page.locator('#status').textContent(), 'waiting for a run…');
    await page.close();
  });

  it('restores from its saved state after a reload, without any message', async () => {
    const page = await open();
    await post(page, { type: 'reset', runId: 'r1', title: 'mnist-small', events: EVENTS });
    const saved = await page.evaluate(() => JSON.stringify((window as unknown as { __state: unknown }).__state));
    await page.close();
    const reloaded = await open(`state=${encodeURIComponent(saved)}`);
    assert.deepEqual(await reloaded.locator('.layer-label').allTextContents(), ['fc1 64 → 55', 'fc2 32 → 32', 'out 10 → 10']);
    await reloaded.close();
  });

  it('its Content-Security-Policy refuses an inline script', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => violations.push(m.text()));
    await page.goto(`${origin}/page?inline`);
    await page.waitForFunction(() => (window as unknown as { __posted?: unknown[] }).__posted?.length);
    assert.equal(await page.evaluate(() => (window as unknown as { __inline?: boolean }).__inline), undefined);
    assert.ok(
      violations.some((v) => /Content Security Policy/.test(v)),
      violations.join('\n'),
    );
    await page.close();
  });

  for (const theme of Object.keys(THEMES)) {
    it(`renders in the ${theme} theme (screenshot in test-output/)`, async () => {
      const page = await open(`theme=${theme}`);
      await post(page, { type: 'reset', runId: 'r1', title: 'mnist-small', events: EVENTS });
      await page.waitForSelector('#summary-box:not([hidden])');
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(background, 'rgba(0, 0, 0, 0)');
      await page.screenshot({ path: join(OUT, `webview-${theme}.png`), fullPage: true });
      await page.close();
    });
  }
});
