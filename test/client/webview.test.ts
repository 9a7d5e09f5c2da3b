import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { compareHtml, statsHtml } from '../../client/src/statsHtml.ts';
import type { TrainerEvent } from '../../protocol/events.ts';
import { positionOf, SLIDER_STEPS } from '../../client/webview/thresholdModel.ts';
import { ROOT } from '../helpers/cli.ts';
import { CURVE } from '../helpers/curve.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(ROOT, 'test-output');
const fixture = (name: string): TrainerEvent[] =>
  readFileSync(join(ROOT, 'test', 'fixtures', 'events', `${name}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TrainerEvent);
const EVENTS = fixture('mnist-small');
/** Recorded with the neurons' norms and the unpruned test metric per epoch. */
const PRUNING = fixture('mnist-pruning');
/** A threshold (0.25) that wrecks accuracy: the summary's damage is exceeded. */
const DAMAGE = fixture('mnist-damage');
/** A `dropneuron auto` run of a CSV spec (hand-made): reference, search, hold and fine-tune epochs, the λ found. */
const AUTO = fixture('csv-auto');

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
    if (url.pathname === '/page' || url.pathname === '/compare') {
      const theme = url.searchParams.get('theme') ?? 'dark';
      const state = url.searchParams.get('state');
      // The VS Code webview API, as the test sees it: messages and state recorded on window.
      const stub = `<script nonce="test-nonce">window.__posted = []; window.__state = ${state ?? 'undefined'}; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });</script>`;
      const inline = url.searchParams.has('inline') ? '<script>window.__inline = true;</script>' : '';
      const head = `<link rel="stylesheet" href="${origin}/theme-${theme}.css">${stub}${inline}`;
      const resources = { cspSource: origin, nonce: 'test-nonce', scriptUri: `${origin}/webview.js`, styleUri: `${origin}/stats.css` };
      return send('text/html', url.pathname === '/compare' ? compareHtml(resources, head) : statsHtml(resources, head));
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

async function open(query = '', path = '/page'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  await page.goto(`${origin}${path}?${query}`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  return page;
}

const post = (page: Page, message: unknown): Promise<void> => page.evaluate((m) => window.postMessage(m, '*'), message);

const rgb = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** Pixels of canvas `id` within a small distance of `colour`: how much of the chart is drawn in it. */
function countColour(page: Page, id: string, colour: [number, number, number]): Promise<number> {
  return page.evaluate(
    ([canvasId, [r, g, b]]) => {
      const c = document.getElementById(canvasId) as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i + 3]! > 200 && Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 24) n++;
      return n;
    },
    [id, colour] as const,
  );
}

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
      summary.some((r) => r.startsWith('fc1') && r.includes('55 of 64 (85.9 %)')),
      summary.join('\n'),
    );
    assert.match(
      (await page.locator('#verdict').textContent()) ?? '',
      /^Compact model 19,337 parameters \(36\.7 % of 52,650\)( · [\d.,]+ KB)? · 11\.9× fewer non-zero weights · test accuracy 87\.95 % before pruning → 83\.01 % after$/,
    );
    // The model the user gets leads the cards; the sparse-weight figure says what it counts.
    assert.equal(await page.locator('[data-card] >> nth=0').getAttribute('data-card'), 'compact');
    assert.equal(await page.locator('[data-card="compact"] .value').textContent(), '19,337');
    assert.equal(await page.locator('[data-card="compression"] .label').textContent(), 'fewer non-zero weights');
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

  it('shows accuracy before and after pruning, the inputs read, and a histogram of the neurons’ norms with the threshold', async () => {
    const page = await open();
    await post(page, { type: 'reset', runId: 'p', title: 'rec.dnn · 17:41:20', events: PRUNING });
    await page.waitForSelector('#summary-box:not([hidden])');
    assert.equal(await page.locator('#subtitle').textContent(), 'rec.dnn · 17:41:20');
    const cards = Object.fromEntries(
      await page.locator('.card').evaluateAll((cs) => cs.map((c) => [(c as HTMLElement).dataset.card, c.querySelector('.value')!.textContent])),
    ) as Record<string, string>;
    assert.deepEqual(
      { before: cards.before, test: cards.test, inputs: cards.inputs, density: cards.density },
      { before: '87.70 %', test: '81.93 %', inputs: '311 of 784', density: '8.2 %' },
    );
    assert.match((await page.locator('[data-card="inputs"] .label').textContent()) ?? '', /^inputs read \(39\.7 %\)$/);
    assert.match((await page.locator('[data-card="density"] .label').textContent()) ?? '', /of 52,544\)$/, 'thousands grouped');
    assert.equal(await page.isVisible('#norms-box'), true);
    assert.match(
      (await page.locator('#norms-caption').textContent()) ?? '',
      /^Neurons’ largest \|weight\| before pruning \(epoch 5\): \d+ of 106 at or above the threshold$/,
    );
    // The threshold line is drawn in the theme's red (#f14c4c by default) on the histogram.
    const red = await countColour(page, 'chart-norms', [241, 76, 76]);
    assert.ok(red > 20, `expected the threshold line drawn in red, found ${red} red pixels`);
    await page.screenshot({ path: join(OUT, 'webview-pruning.png'), fullPage: true });
    await page.close();
  });

  it('follows a colour theme switch live: the charts are redrawn in the new theme’s colours', async () => {
    const page = await open('theme=dark');
    await post(page, { type: 'reset', runId: 'p', title: 'rec.dnn', events: PRUNING });
    await page.waitForSelector('#summary-box:not([hidden])');
    const dark = THEMES.dark!.foreground!;
    const light = THEMES.light!.foreground!;
    const before = { dark: await countColour(page, 'chart-loss', rgb(dark)), light: await countColour(page, 'chart-loss', rgb(light)) };
    assert.ok(before.dark > 30 && before.light === 0, `expected dark-theme tick labels, found ${JSON.stringify(before)}`);
    // As the workbench does: the theme's variables on <html>, the theme's class on <body>.
    await page.evaluate((vars) => {
      document.querySelector('link[href*="/theme-"]')!.remove();
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(`--vscode-${k}`, v);
      document.body.className = 'vscode-light';
    }, THEMES.light!);
    await page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
    const after = { dark: await countColour(page, 'chart-loss', rgb(dark)), light: await countColour(page, 'chart-loss', rgb(light)) };
    assert.ok(
      after.light > 30 && after.dark < before.dark / 10,
      `expected light-theme tick labels after the switch, found ${JSON.stringify({ before, after })}`,
    );
    await page.screenshot({ path: join(OUT, 'webview-theme-switched.png'), fullPage: true });
    await page.close();
  });

  it('beyond its tolerance, names what pruning cost and the two remedies', async () => {
    const page = await open();
    await post(page, { type: 'reset', runId: 'd', title: 'dmg.dnn', events: DAMAGE });
    await page.waitForSelector('#damage:not([hidden])');
    assert.equal(
      await page.locator('#damage-text').textContent(),
      'Pruning at threshold 0.25 cost 78.8 points: 87.70 % → 8.92 % (tolerance 1 point). The pruned model is not usable as it is.',
    );
    const remedies = await page.locator('#damage-remedies li').allTextContents();
    assert.equal(remedies.length, 2);
    assert.match(remedies[0]!, /^Lower the threshold \(now 0\.25\)/);
    assert.match(remedies[1]!, /^Use a smaller dropneuron λ \(now 0\.05\)/);
    assert.equal(await page.locator('[data-card="test"]').getAttribute('class'), 'card bad');
    await page.screenshot({ path: join(OUT, 'webview-damage.png'), fullPage: true });
    // A run recorded without a verdict (or within its tolerance) shows no banner.
    await post(page, { type: 'reset', runId: 's', title: 'rec.dnn', events: EVENTS });
    assert.equal(await page.isHidden('#damage'), true);
    await page.close();
  });

  it('before its first epoch the metric chart has a title: neutral until the start event, then the run’s metric (it read “METRIC per epoch”)', async () => {
    const page = await open();
    await post(page, { type: 'reset', runId: 'w', title: 'rec.dnn', events: [] });
    await page.locator('#status', { hasText: 'starting…' }).waitFor({ timeout: 5_000 });
    assert.equal(await page.locator('#metric-caption').textContent(), 'Metric per epoch');
    await post(page, { type: 'event', runId: 'w', event: EVENTS[0]! });
    await page.locator('#metric-caption', { hasText: 'Accuracy per epoch' }).waitFor({ timeout: 5_000 });
    await post(page, { type: 'reset', runId: 'r', title: 'regress.dnn', events: [{ ...EVENTS[0]!, metric: 'mse' } as TrainerEvent] });
    await page.locator('#metric-caption', { hasText: 'MSE per epoch' }).waitFor({ timeout: 5_000 });
    await page.close();
  });

  it('a run that failed before its first epoch shows the error, not empty charts', async () => {
    const page = await open();
    const failed: TrainerEvent[] = [
      PRUNING[0]!,
      { v: 1, type: 'error', kind: 'data', message: 'data/train.csv: expected 785 columns (784 inputs and a label), found 12 on line 3' },
    ];
    await post(page, { type: 'reset', runId: 'f', title: 'rec.dnn', events: failed });
    assert.equal(await page.locator('#status').textContent(), 'failed');
    assert.equal(
      await page.locator('#error').textContent(),
      'The run failed: data/train.csv: expected 785 columns (784 inputs and a label), found 12 on line 3',
    );
    assert.equal(await page.isHidden('#charts'), true);
    assert.equal(await page.isHidden('#network'), true);
    await page.screenshot({ path: join(OUT, 'webview-failed.png'), fullPage: true });
    await page.close();
  });

  it('an interrupted run says so, not “running”, and offers Resume', async () => {
    const page = await open();
    await post(page, { type: 'reset', runId: 'i', title: 'rec.dnn', events: PRUNING.slice(0, 3), interrupted: true });
    assert.equal(await page.locator('#status').textContent(), 'interrupted after epoch 2 of 5');
    assert.equal(await page.isHidden('#stop'), true);
    assert.match((await page.locator('#interrupted').textContent()) ?? '', /Resume continues from its last checkpoint, epoch 2\.$/);
    await page.click('#resume');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted), [{ type: 'ready' }, { type: 'resume' }]);
    // The resumed run's events arrive as a live run's: the page follows them.
    await post(page, { type: 'reset', runId: 'i2', title: 'rec.dnn', events: PRUNING.slice(0, 3) });
    assert.equal(await page.locator('#status').textContent(), 'epoch 2/5 · running on wasm');
    await page.close();
  });

  it('a killed trainer’s run (a crash, with its folder) says “interrupted after epoch N of M” with Resume, not “failed”', async () => {
    const page = await open();
    const crash = { v: 1, type: 'error', kind: 'crash', message: 'the trainer was killed (SIGKILL)', runDir: '/w/.dropneuron/runs/r' };
    await post(page, { type: 'reset', runId: 'k', title: 'killed.dnn', events: PRUNING.slice(0, 3) });
    await post(page, { type: 'event', runId: 'k', event: crash });
    assert.equal(await page.locator('#status').textContent(), 'interrupted after epoch 2 of 5');
    assert.equal(await page.isVisible('#resume'), true);
    assert.equal(await page.isHidden('#error'), true, 'no “The run failed” box');
    // Replayed (a panel opened later, or restored after a reload), the same.
    await post(page, { type: 'reset', runId: 'k2', title: 'killed.dnn', events: [...PRUNING.slice(0, 3), crash] });
    assert.equal(await page.locator('#status').textContent(), 'interrupted after epoch 2 of 5');
    await page.close();
  });

  it('the compare page overlays two runs and sets their settings and results side by side', async () => {
    const page = await open('', '/compare');
    await post(page, {
      type: 'compare',
      runs: [
        { runId: 'a', title: 'rec.dnn · 17:41:20', events: PRUNING },
        { runId: 'b', title: 'dmg.dnn · 17:41:54', events: DAMAGE },
      ],
    });
    await page.waitForSelector('#compare-table tr[data-row="threshold"]');
    assert.equal(await page.locator('#title').textContent(), 'Comparing 2 runs');
    assert.deepEqual(await page.locator('#compare-table tr[data-row="threshold"] td').allTextContents(), ['0.05', '0.25']);
    assert.equal(await page.locator('#compare-table tr[data-row="threshold"]').getAttribute('class'), 'differs');
    assert.deepEqual(await page.locator('#compare-table tr[data-row="test after pruning"] td').allTextContents(), ['81.93 %', '8.92 %']);
    assert.deepEqual(await page.locator('#compare-table tr[data-row="seed"] td').allTextContents(), ['2', '2']);
    assert.equal(await page.locator('#compare-table tr[data-row="seed"]').getAttribute('class'), null, 'a setting both share is not marked');
    for (const id of ['compare-metric', 'compare-loss', 'compare-density']) {
      // One line per run, each in its own colour.
      const blue = await countColour(page, id, rgb(THEMES.dark!['charts-blue']!));
      const orange = await countColour(page, id, rgb(THEMES.dark!['charts-orange']!));
      assert.ok(blue > 20 && orange > 20, `expected both runs drawn on ${id}, found ${blue} blue and ${orange} orange pixels`);
    }
    await page.screenshot({ path: join(OUT, 'webview-compare.png'), fullPage: true });
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

describe('a dropneuron auto run in headless Chromium', () => {
  const cards = async (page: Page): Promise<Record<string, [string, string]>> =>
    Object.fromEntries(
      await page
        .locator('.card')
        .evaluateAll((cs) =>
          cs.map((c) => [(c as HTMLElement).dataset.card, [c.querySelector('.value')!.textContent, c.querySelector('.label')!.textContent]]),
        ),
    ) as Record<string, [string, string]>;

  it('names the CSV columns a tabular run reads, beside their count', async () => {
    const page = await open();
    const names = ['tenure', 'plan', 'calls', 'age'];
    const named = AUTO.map((e) =>
      e.type === 'done'
        ? { ...e, summary: { ...e.summary, keptInputNames: names } }
        : e.type === 'epoch'
          ? { ...e, keptInputNames: names.slice(0, e.inputsKept) }
          : e,
    );
    await post(page, { type: 'reset', runId: 'n', title: 'churn.dnn · 10:15:00', events: named });
    await page.waitForSelector('#summary-box:not([hidden])');
    assert.deepEqual((await cards(page)).inputs, ['4 of 8', 'inputs read (50.0 %): tenure, plan, calls, age']);
  });

  it('charts λ per epoch and the validation metric in its tolerance band; the λ found; Use these settings', async () => {
    const page = await open();
    await post(page, { type: 'reset', runId: 'a', title: 'churn.dnn · 10:15:00', events: AUTO });
    await page.waitForSelector('#auto-box:not([hidden])');
    const c = await cards(page);
    assert.deepEqual(c.test, ['92.10 %', 'test accuracy after pruning']);
    assert.deepEqual(c.validation, ['92.00 %', 'validation accuracy after pruning']);
    assert.deepEqual(c.lambda, ['0.0081', 'dropneuron λ found by auto']);
    assert.equal(
      await page.locator('#auto-verdict').textContent(),
      'Settled on λ 0.0081: the strongest that kept the validation accuracy within 1 point of the unpenalised network’s (91.80 %).',
    );
    assert.match((await page.locator('#verdict').textContent()) ?? '', /→ 92\.10 % after \(validation 92\.00 %\)$/);
    assert.deepEqual(c.inputs, ['4 of 8', 'inputs read (50.0 %)'], 'a run recorded without the names counts them only');
    assert.equal(await page.locator('#validation-caption').textContent(), 'Validation accuracy per epoch, and the tolerance band');
    const blue = await countColour(page, 'chart-lambda', rgb(THEMES.dark!['charts-blue']!));
    assert.ok(blue > 100, `expected λ drawn in blue, found ${blue} pixels`);
    const orange = await countColour(page, 'chart-validation', rgb(THEMES.dark!['charts-orange']!));
    assert.ok(orange > 100, `expected the validation metric drawn in orange, found ${orange} pixels`);
    const red = await countColour(page, 'chart-validation', [241, 76, 76]);
    assert.ok(red > 50, `expected the band's edge drawn in red, found ${red} pixels`);
    // The validation series on the metric chart too, beside train and test.
    assert.ok((await countColour(page, 'chart-metric', rgb(THEMES.dark!['charts-orange']!))) > 100);
    assert.equal(await page.isVisible('#use-settings'), true);
    assert.equal(
      await page.locator('#use-settings-detail').textContent(),
      'Writes dropneuron 0.0081, inputs_weight 3 into the spec, in place of dropneuron auto: a fixed-λ run of it then reproduces this one.',
    );
    assert.equal(await page.isHidden('#guidance'), true);
    await page.screenshot({ path: join(OUT, 'webview-auto.png'), fullPage: true });
    await page.click('#use-settings');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted), [{ type: 'ready' }, { type: 'useSettings' }]);
    // Past its tolerance on the test set, an auto run's remedy is a λ below the one it found (its `dropneuron` setting is only a unit).
    const done = AUTO.at(-1) as Extract<TrainerEvent, { type: 'done' }>;
    const damaged = { ...done, summary: { ...done.summary, afterPrune: 0.89, damage: { cost: 3.1, tolerance: 1, threshold: 0.001, exceeded: true } } };
    await post(page, { type: 'reset', runId: 'a2', title: 'churn.dnn', events: [...AUTO.slice(0, -1), damaged] });
    await page.waitForSelector('#damage:not([hidden])');
    assert.match((await page.locator('#damage-remedies li').nth(1).textContent()) ?? '', /^Use a fixed dropneuron λ below the one auto found \(0\.0081\): /);
    // A pruned model that ends below the band on validation (fine-tuning did not win it back) is no success either.
    const below = { ...done, summary: { ...done.summary, validationMetric: 0.85 } };
    await post(page, { type: 'reset', runId: 'a3', title: 'churn.dnn', events: [...AUTO.slice(0, -1), below] });
    await page.waitForSelector('#auto-verdict.bad');
    assert.match(
      (await page.locator('#auto-verdict').textContent()) ?? '',
      / But the pruned model ends at 85\.00 % on validation, below the band’s edge \(90\.80 %\)\.$/,
    );
    await post(page, { type: 'reset', runId: 'a4', title: 'churn.dnn', events: AUTO });
    assert.equal(await page.locator('#auto-verdict.bad').count(), 0);
    await page.close();
  });

  it('mid-search: the λ the next epoch trains with, and nothing to write yet', async () => {
    const page = await open('theme=light');
    await post(page, { type: 'reset', runId: 'a', title: 'churn.dnn', events: AUTO.slice(0, 7) });
    await page.waitForSelector('#auto-box:not([hidden])');
    assert.deepEqual((await cards(page)).lambda, ['0.0027', 'dropneuron λ, still searching']);
    assert.match(
      (await page.locator('#auto-verdict').textContent()) ?? '',
      /^Searching: the next epoch trains with λ 0\.0027, to keep the validation accuracy within 1 point of the unpenalised network’s \(91\.80 %\)\.$/,
    );
    assert.equal(await page.isHidden('#use-settings-box'), true);
    await page.screenshot({ path: join(OUT, 'webview-auto-searching.png'), fullPage: true });
    // A fixed-λ run shows no auto section.
    await post(page, { type: 'reset', runId: 'b', title: 'rec.dnn', events: PRUNING });
    await page.waitForSelector('#summary-box:not([hidden])');
    assert.equal(await page.isHidden('#auto-box'), true);
    assert.equal((await cards(page)).validation, undefined);
    await page.close();
  });

  it('a run that pruned nothing says so in a banner, with what to try', async () => {
    const page = await open();
    const done = EVENTS.at(-1) as Extract<TrainerEvent, { type: 'done' }>;
    const guidance = 'Nothing was pruned: λ 0.0005 is too weak for this network; try `dropneuron auto` or <b>a λ 10× larger</b>.';
    await post(page, { type: 'reset', runId: 'g', title: 'rec.dnn', events: [...EVENTS.slice(0, -1), { ...done, summary: { ...done.summary, guidance } }] });
    await page.waitForSelector('#guidance:not([hidden])');
    assert.equal(await page.locator('#guidance-text').textContent(), guidance.replace(/`/g, ''));
    assert.deepEqual(await page.locator('#guidance-text code').allTextContents(), ['dropneuron auto'], 'quoted words as code');
    assert.equal(await page.locator('#guidance-text b').count(), 0, 'text, never HTML');
    await page.locator('#guidance').screenshot({ path: join(OUT, 'webview-guidance.png') });
    await post(page, { type: 'reset', runId: 'h', title: 'rec.dnn', events: EVENTS });
    assert.equal(await page.isHidden('#guidance'), true);
    await page.close();
  });
});

describe('the threshold slider in headless Chromium', () => {
  it('plots the run’s curve, reads it live as the slider moves, and asks the host to measure between points', async () => {
    const page = await open();
    await post(page, { type: 'reset', runId: 'r1', title: 'mnist-damage', events: DAMAGE });
    await page.waitForSelector('#summary-box:not([hidden])');
    assert.equal(await page.isHidden('#threshold-box'), true, 'no curve, no slider');
    await post(page, { type: 'curve', runId: 'other', curve: CURVE });
    assert.equal(await page.isHidden('#threshold-box'), true, 'another run’s curve is ignored');
    await post(page, { type: 'curve', runId: 'r1', curve: CURVE });
    await page.waitForSelector('#threshold-box:not([hidden])');
    const kept = async (): Promise<string> => (await page.locator('#threshold-layers tr[data-layer="fc1"] td').nth(1).textContent()) ?? '';
    assert.equal(await page.locator('#threshold-value').textContent(), '0.01');
    assert.equal(await kept(), '40');
    assert.equal(await page.evaluate(() => document.getElementById('threshold-verdict')!.classList.contains('bad')), false);
    const painted = await countColour(page, 'chart-threshold', rgb(THEMES.dark!['charts-blue']!));
    assert.ok(painted > 100, `expected the error curve drawn, found ${painted} blue pixels`);

    // Onto the last point: the curve's numbers at once, in the damage colour (58 points lost, tolerance 1).
    await page.locator('#threshold-slider').fill(String(SLIDER_STEPS));
    assert.equal(await page.locator('#threshold-value').textContent(), '0.1');
    assert.equal(await kept(), '3');
    assert.equal(await page.evaluate(() => document.getElementById('threshold-verdict')!.classList.contains('bad')), true);
    const posted = (): Promise<unknown[]> => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    assert.deepEqual(await posted(), [{ type: 'ready' }], 'a curve point needs no prune');

    // Between points: the nearest point now, an exact prune asked for, and shown when it comes.
    await page.locator('#threshold-slider').fill(String(positionOf(CURVE, 0.045)));
    assert.deepEqual((await posted()).at(-1), { type: 'prune', threshold: 0.0452 });
    assert.match((await page.locator('#threshold-source').textContent()) ?? '', /^Measuring the run pruned at 0\.0452/);
    const summary = DAMAGE.find((e) => e.type === 'done')!.summary;
    await post(page, { type: 'pruned', runId: 'r1', threshold: 0.0452, summary });
    assert.equal(await kept(), String(summary.layers.find((l) => l.name === 'fc1')!.neuronsKept));
    assert.match((await page.locator('#threshold-source').textContent()) ?? '', /^Measured at 0\.0452/);
    await page.click('#use-threshold');
    await page.click('#export-at');
    assert.deepEqual((await posted()).slice(-2), [
      { type: 'useThreshold', threshold: 0.0452 },
      { type: 'exportAt', threshold: 0.0452 },
    ]);
    await page.locator('#threshold-box').screenshot({ path: join(OUT, 'webview-threshold.png') });
    await page.close();
  });

  it('a reloaded panel puts the slider back where it was left, and measures it again between points', async () => {
    const page = await open();
    await post(page, { type: 'reset', runId: 'r1', title: 'mnist-damage', events: DAMAGE });
    await post(page, { type: 'curve', runId: 'r1', curve: CURVE });
    await page.waitForSelector('#threshold-box:not([hidden])');
    await page.locator('#threshold-slider').fill(String(SLIDER_STEPS));
    assert.equal(await page.locator('#threshold-value').textContent(), '0.1');
    // The saved state, less the run's events (the host sends them again on a reload; a URL cannot hold them all).
    const saved = (): Promise<string> => page.evaluate(() => JSON.stringify({ ...(window as unknown as { __state: object }).__state, events: [] }));
    const atEnd = await saved();
    await page.locator('#threshold-slider').fill(String(positionOf(CURVE, 0.045)));
    const between = await saved();
    await page.close();

    // Reloaded: the page shows the run from its state; the host sends the run and its curve again.
    const reloaded = await open(`state=${encodeURIComponent(atEnd)}`);
    await post(reloaded, { type: 'reset', runId: 'r1', title: 'mnist-damage', events: DAMAGE });
    await post(reloaded, { type: 'curve', runId: 'r1', curve: CURVE });
    await reloaded.waitForSelector('#threshold-box:not([hidden])');
    assert.equal(await reloaded.locator('#threshold-slider').inputValue(), String(SLIDER_STEPS));
    assert.equal(await reloaded.locator('#threshold-value').textContent(), '0.1');
    // Another run in the same panel starts from its own curve's threshold.
    await post(reloaded, { type: 'reset', runId: 'r2', title: 'mnist-damage', events: DAMAGE });
    await post(reloaded, { type: 'curve', runId: 'r2', curve: CURVE });
    assert.equal(await reloaded.locator('#threshold-value').textContent(), '0.01');
    await reloaded.close();

    const measuring = await open(`state=${encodeURIComponent(between)}`);
    await post(measuring, { type: 'curve', runId: 'r1', curve: CURVE });
    await measuring.waitForSelector('#threshold-box:not([hidden])');
    assert.equal(await measuring.locator('#threshold-slider').inputValue(), String(positionOf(CURVE, 0.045)));
    const posted = await measuring.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    assert.deepEqual(posted.at(-1), { type: 'prune', threshold: 0.0452 });
    await measuring.close();
  });
});
