import { pathToFileURL } from 'node:url';
import type { ImportModelParams, ImportModelResult } from '../../protocol/lsp.ts';
import type { CliRunner } from './cliRunner.ts';
import type { ParamsCheck } from './params.ts';

/** Reading an ONNX file and its tensors takes a second; one that takes far longer is stuck. */
const TIMEOUT_MS = 120_000;

/** The weights file `dropneuron import` writes beside its spec. */
export const weightsPathOf = (spec: string): string => spec.replace(/\.dnn$/, '.safetensors');

/** `path` and `out` as strings, `out` a .dnn spec. */
export const importModelParams: ParamsCheck = (params) => {
  const p = params as Partial<Record<keyof ImportModelParams, unknown>> | null;
  if (typeof p !== 'object' || p === null) return 'expected params as an object';
  if (typeof p.path !== 'string') return '`path`: expected a string';
  if (typeof p.out !== 'string' || !p.out.endsWith('.dnn')) return '`out`: expected the path of a .dnn spec';
  return undefined;
};

/**
 * Import Model… (the `dropneuron/importModel` request): `dropneuron import --out SPEC -- MODEL` in a child process
 * with the trainer's Node, as exporting is (the importer is part of the trainer). The CLI writes nothing over a
 * file; a refusal for that reason comes back with the fix `anotherName`, so the editor can offer another name.
 */
export async function importModel(cli: CliRunner, params: ImportModelParams): Promise<ImportModelResult> {
  const scope = pathToFileURL(params.out).toString();
  const node = await cli.node(scope);
  if ('message' in node) return { problem: node.message, fix: 'nodeSetting' };
  const { failure } = await cli.run(scope, {
    command: 'import',
    options: ['--out', params.out],
    paths: [params.path],
    timeoutMs: TIMEOUT_MS,
  });
  if (failure === undefined) return { spec: params.out, weights: weightsPathOf(params.out) };
  // store/newFiles.ts's sentence for a path already taken.
  return { problem: failure, ...(/expected no file there/.test(failure) ? { fix: 'anotherName' as const } : {}) };
}
