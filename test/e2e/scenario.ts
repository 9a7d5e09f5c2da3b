import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { appears, OUT, waitFor, Workbench } from './harness.ts';

// What every e2e file shares: one workbench per file (started before its scenarios, stopped after), the
// scenario wrapper that saves a screenshot and the logs on failure, and the small page helpers scenarios use.
// Each *.e2e.ts file runs in its own process (node --test), so `w` is that file's workbench.

export let w: Workbench;

/** Starts a workbench for this file's scenarios on a workspace holding the examples and `files` (name → text). */
export function useWorkbench(files: () => Record<string, string>): void {
  before(async () => {
    w = await Workbench.start(files());
  });
  after(async () => {
    await w?.stop();
  });
}

/** Every scenario saves a screenshot and the extension host log when it fails. */
export function scenario(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    try {
      // Start from a quiet workbench: no menu, widget or quick input left open by the previous scenario.
      for (let i = 0; i < 3; i++) await w.page.keyboard.press('Escape');
      await fn();
    } catch (error) {
      const slug = name.replace(/\W+/g, '-').toLowerCase().slice(0, 40);
      await w.screenshot(`failed-${slug}`).catch(() => {});
      writeFileSync(join(OUT, `failed-${slug}.log`), w.logs());
      throw error;
    }
  });
}

export const SMALL = (epochs: number) => `model small {
  data mnist limit=2000
  input 784
  dense fc1 64 relu
  dense out 10
}

regularize {
  l1 0.001
  dropneuron 0.05
  threshold 0.08
}

train {
  epochs ${epochs}
  batch 100
  seed 1
}
`;

export const text = async (selector: string): Promise<string> => ((await w.page.locator(selector).first().textContent()) ?? '').replace(/\u00a0/g, ' ');
/**
 * The text of the editor people are working in: the active group's, or, while a webview panel (a run panel) has
 * the focus and its group is the active one, the text editor of another group.
 */
export async function editorText(): Promise<string> {
  const lines = '.monaco-editor .view-lines';
  if ((await w.page.locator(`.editor-group-container.active ${lines}`).count()) > 0) return text(`.editor-group-container.active ${lines}`);
  // No text editor in the active group (a webview has it, or the editor is still opening): any group's, once there.
  return text(`.editor-group-container ${lines}`);
}

/**
 * Makes a spec's editor the active one, as a user's click does, with its first lines in view: a click near the top
 * of its visible area (the overflow guard, which does not scroll; the lines' own box moves with the scroll position),
 * then Ctrl+Home, since the scenarios read the rendered lines. `active`: the active group's editor, else the first one:
 * after a click in a webview the spec's group is not always the active one yet (CI saw Apply's edit land while the
 * panel's group kept the focus), so a scenario that comes back from a panel names the first.
 */
export async function focusSpecEditor(active = true): Promise<void> {
  await w.page
    .locator(`.editor-group-container${active ? '.active' : ''} .monaco-editor .overflow-guard`)
    .first()
    .click({ position: { x: 120, y: 10 } });
  await w.page.keyboard.press('Control+Home');
}

export async function goTo(line: number, column: number): Promise<void> {
  await w.page.keyboard.press('Control+G');
  await w.page.locator('.quick-input-widget .quick-input-box input').fill(`:${line}:${column}`);
  await w.page.keyboard.press('Enter');
}

/**
 * Writes the workspace's `dropneuron.trainer.overrides`, as a user editing .vscode/settings.json does, and waits
 * until the extension says it has them (its log line), so that the next run is sure to take them.
 */
export async function setOverrides(overrides: Record<string, number | string>): Promise<void> {
  const said = (): number => w.extensionLog().split(`dropneuron.trainer.overrides is now ${JSON.stringify(overrides)}`).length;
  const before = said();
  mkdirSync(join(w.workspace, '.vscode'), { recursive: true });
  writeFileSync(join(w.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'dropneuron.trainer.overrides': overrides }));
  await waitFor('the extension to read the new settings', () => (said() > before ? true : undefined), 60_000);
}

export function runsOf(spec: string): string[] {
  const dir = join(w.workspace, '.dropneuron', 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(
      (d) =>
        existsSync(join(dir, d, 'run.json')) && (JSON.parse(readFileSync(join(dir, d, 'run.json'), 'utf8')) as { specPath: string }).specPath.endsWith(spec),
    )
    .map((d) => join(dir, d))
    .sort();
}

/** The webview frame whose page holds `selector` (each panel is its own iframe in the workbench). */
export async function frameWith(selector: string, timeoutMs = 60_000): Promise<Frame> {
  return waitFor(
    `a webview with ${selector}`,
    async () => {
      for (const frame of w.page.frames()) {
        if (!frame.url().includes('fake.html') && !frame.url().includes('index.html')) continue;
        if (
          await frame
            .locator(selector)
            .count()
            .catch(() => 0)
        )
          return frame;
      }
      return undefined;
    },
    timeoutMs,
  );
}

/** Pixels of a canvas in a webview close to `colour` (a CSS colour as the page computes it: `rgb(r, g, b)` or `#rrggbb`). */
export async function pixels(frame: Frame, canvas: string, colour: string): Promise<number> {
  return frame.locator(canvas).evaluate((c: HTMLCanvasElement, css: string) => {
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = css;
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4)
      if (data[i + 3]! > 200 && Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) < 24) n++;
    return n;
  }, colour);
}

/**
 * Types `path` into code-server's simple file dialog (a quick input holding the path), again while the dialog, still
 * listing its folder, puts its own value back; it checks the typed path as it changes, and its OK button accepts
 * once it has.
 */
export async function typePath(path: string): Promise<void> {
  const input = w.page.locator('.quick-input-widget .quick-input-box input');
  await waitFor('the dialog to take the path', async () => {
    if ((await input.inputValue()) === path) return true;
    await input.fill(path);
    return undefined;
  });
}

/**
 * Export Compact Model… as ONNX from the palette: the run of `spec` when the command asks which, the format, then
 * `target` typed into the save dialog (`dialogShot`: a screenshot of the dialog before), until the notification.
 */
export async function exportOnnx(spec: string, target: string, dialogShot?: string): Promise<void> {
  const input = w.page.locator('.quick-input-widget .quick-input-box input');
  await w.command('DropNeuron: Export Compact Model…');
  await waitFor('a pick', async () => ((await input.isVisible()) ? true : undefined), 30_000);
  // Which run (when asked), then the format. (`isVisible` ignores a timeout and does not wait: `appears` does.)
  if (await appears(w.page.locator('.quick-input-list .monaco-list-row', { hasText: spec }).first(), 2_000)) await w.page.keyboard.press('Enter');
  await input.fill('ONNX');
  await w.page.keyboard.press('Enter');
  await waitFor('the save dialog', async () => ((await input.inputValue()).endsWith('.onnx') ? true : undefined), 30_000);
  if (dialogShot) await w.screenshot(dialogShot);
  await typePath(target);
  await w.page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
  await w.page.locator('.notifications-toasts', { hasText: 'exported the compact model to' }).waitFor({ timeout: 60_000 });
}
