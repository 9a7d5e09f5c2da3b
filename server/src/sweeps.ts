/**
 * Sweeps as the client sees them: every sweep folder under the workspace (`.dropneuron/sweeps/<model>/sweep.json`,
 * protocol/sweep.ts), with each trial's run folder read as a run; and the edits that bring one point of a sweep
 * into its spec (its settings, or its sizes). The server is the client's one reader of these folders.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import { REGULARIZE_SETTINGS, shrinkEdits, TRAIN_SETTINGS, values, type Analysis, type BlockNode } from '../../language/index.ts';
import type { PruneReply, SweepInfo, SweepPointParams, SweepPointResult } from '../../protocol/lsp.ts';
import { readRun } from '../../store/runFolder.ts';
import { SWEEP_FILE, type SweepValue } from '../../protocol/sweep.ts';
import { readSweepFile, trialDir } from '../../store/sweepFile.ts';
import type { ParamsCheck } from './params.ts';

/** How many sweep folders one listing reads at most. */
const MAX_SWEEPS = 100;
const SWEEPS_PATTERN = `**/.dropneuron/sweeps/*/${SWEEP_FILE}`;

/** One sweep folder with its trials' runs. */
export function sweepInfo(sweepDir: string): SweepInfo | undefined {
  const sweep = readSweepFile(sweepDir);
  if (!sweep) return undefined;
  const runs: SweepInfo['runs'] = {};
  for (const trial of sweep.trials) {
    const run = readRun(trial.runDir ? resolve(sweepDir, trial.runDir) : trialDir(sweepDir, trial.id));
    if (run) runs[trial.id] = run.info;
  }
  return { sweepDir, model: basename(sweepDir), sweep, runs };
}

/** Every sweep under the workspace folders (of one spec, when `specPath` is given), most recently updated first. */
export function workspaceSweeps(roots: readonly string[], specPath?: string): SweepInfo[] {
  const found: SweepInfo[] = [];
  // A spec's sweeps lie beside it (`dropneuron sweep` writes `.dropneuron/sweeps/<model>/` next to the spec):
  // a panel that follows one sweep asks every few seconds, so it reads that folder only.
  const pattern = specPath ? `*/${SWEEP_FILE}` : SWEEPS_PATTERN;
  for (const root of specPath ? [join(dirname(resolve(specPath)), '.dropneuron', 'sweeps')] : roots) {
    if (!existsSync(root)) continue;
    const files = globSync(pattern, { cwd: root, dot: true, absolute: true, ignore: ['**/node_modules/**', '**/.git/**'] });
    for (const file of files.slice(0, MAX_SWEEPS)) {
      const info = sweepInfo(dirname(file));
      if (info && (!specPath || resolve(info.sweep.specPath) === resolve(specPath))) found.push(info);
    }
  }
  return found.sort((a, b) => b.sweep.updated.localeCompare(a.sweep.updated)).slice(0, MAX_SWEEPS);
}

type Edit = SweepPointResult['edits'][number];

/** The block a setting is written in, by the vocabulary's tables. */
function blockOf(name: string): 'regularize' | 'train' | undefined {
  if (name in REGULARIZE_SETTINGS) return 'regularize';
  if (name in TRAIN_SETTINGS) return 'train';
  return undefined;
}

const sameValue = (text: string, value: SweepValue): boolean => text === String(value) || (typeof value === 'number' && Number(text) === value);

/**
 * The edits that write `settings` into the spec: each setting's value replaced on its line, or a line added at
 * the end of its block (a block added at the end of the file when the spec has none). Settings already at
 * their value get no edit; names outside `regularize` and `train` are left out.
 */
export function settingsEdits(analysis: Analysis, settings: Readonly<Record<string, SweepValue>>): Edit[] {
  const edits: Edit[] = [];
  const added = new Map<'regularize' | 'train', string[]>();
  for (const [name, value] of Object.entries(settings)) {
    const blockName = blockOf(name);
    if (!blockName) continue;
    const block = analysis.tree.blocks.find((b) => b.keyword.text === blockName);
    const statement = block?.statements.find((s) => s.head.text === name);
    const token = statement ? values(statement)[0]?.token : undefined;
    if (statement && token) {
      if (!sameValue(token.text, value)) edits.push({ range: token.range, newText: String(value) });
      continue;
    }
    if (statement) {
      edits.push({ range: { start: statement.head.range.end, end: statement.head.range.end }, newText: ` ${value}` });
      continue;
    }
    added.set(blockName, [...(added.get(blockName) ?? []), `${name} ${value}`]);
  }
  for (const [blockName, lines] of added) {
    const block = analysis.tree.blocks.find((b) => b.keyword.text === blockName);
    edits.push(block ? insertIntoBlock(analysis, block, lines) : appendBlock(analysis, blockName, lines));
  }
  return edits;
}

/** New lines before the block's `}`, indented as its first line is. */
function insertIntoBlock(analysis: Analysis, block: BlockNode, lines: string[]): Edit {
  const first = block.statements[0];
  const indent = first ? ' '.repeat(first.head.range.start.character) : '  ';
  const close = block.close;
  if (!close) {
    const end = block.range.end;
    return { range: { start: end, end }, newText: `\n${lines.map((l) => indent + l).join('\n')}` };
  }
  const lineStart = analysis.lines.lineStarts[close.range.start.line] ?? close.start;
  const alone = analysis.text.slice(lineStart, close.start).trim() === '';
  const at = alone ? { line: close.range.start.line, character: 0 } : close.range.start;
  return { range: { start: at, end: at }, newText: `${alone ? '' : '\n'}${lines.map((l) => indent + l + '\n').join('')}` };
}

function appendBlock(analysis: Analysis, blockName: string, lines: string[]): Edit {
  const end = analysis.lines.positionAt(analysis.text.length);
  const gap = analysis.text.endsWith('\n') ? '\n' : '\n\n';
  return { range: { start: end, end }, newText: `${gap}${blockName} {\n${lines.map((l) => `  ${l}\n`).join('')}}\n` };
}

/** The edits of one sweep point: its settings and threshold (`apply`), or its compact sizes (`shrink`, through `prune`). */
export async function sweepPointEdits(
  analysis: Analysis,
  params: SweepPointParams,
  prune: (runDir: string, threshold: number | undefined) => Promise<PruneReply>,
): Promise<SweepPointResult> {
  if (params.action === 'apply') {
    const edits = settingsEdits(analysis, { ...params.settings, ...(params.threshold !== undefined ? { threshold: params.threshold } : {}) });
    return edits.length ? { edits } : { edits, message: 'The spec already has this point’s settings.' };
  }
  const reply = await prune(params.runDir, params.threshold);
  if ('error' in reply) return { edits: [], message: reply.error };
  const sizes = reply.results[0]?.summary.compactSizes;
  if (!sizes)
    return {
      edits: [],
      message: `The trial ${basename(params.runDir)} has no compact model at threshold ${params.threshold ?? 'its own'}: it has not finished.`,
    };
  const edits = shrinkEdits(analysis, sizes).map((e) => ({ range: e.range, newText: e.newText }));
  return edits.length ? { edits } : { edits, message: 'The spec already has this point’s sizes.' };
}

/**
 * The answer when the spec is not open in the editor (the edits go to its open document). Neutral on purpose: the
 * sweep panel's Apply and Shrink and the run panel's "Use this threshold" all ask.
 */
export function specNotOpen(uri: string): SweepPointResult {
  const name =
    decodeURIComponent(
      uri
        .replace(/[?#].*$/, '')
        .split('/')
        .at(-1) || '',
    ) || 'the spec';
  return { edits: [], message: `Open ${name} to change its settings.` };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const sweepsParams: ParamsCheck = (p) =>
  isRecord(p) && (p['specPath'] === undefined || typeof p['specPath'] === 'string') ? undefined : 'expected { specPath?: string }';

export const sweepPointParams: ParamsCheck = (p) => {
  if (!isRecord(p)) return 'expected params as an object';
  if (typeof p['uri'] !== 'string' || typeof p['runDir'] !== 'string') return 'expected `uri` and `runDir` as strings';
  if (p['action'] !== 'apply' && p['action'] !== 'shrink') return 'expected `action` apply or shrink';
  const threshold = p['threshold'];
  if (threshold !== undefined && (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0))
    return 'expected `threshold` as a number ≥ 0, or none';
  const settings = p['settings'];
  if (!isRecord(settings) || !Object.values(settings).every((v) => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string'))
    return 'expected `settings` as an object of numbers and words';
  return undefined;
};
