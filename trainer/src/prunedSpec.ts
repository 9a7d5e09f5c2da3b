import { basename } from 'node:path';
import { applyEdits, format, shrinkEdits, type Analysis } from '../../language/index.ts';

/**
 * The spec with each layer's size set to its trained size (and a CSV's data line narrowed to the columns still
 * read, `keptColumns`), formatted, with a header saying where it came from.
 */
export function prunedSpec(
  analysis: Analysis,
  sizes: Record<string, number>,
  keptInputs: number | undefined,
  runDir: string,
  keptColumns?: readonly string[],
): string {
  const edited = applyEdits(analysis.text, shrinkEdits(analysis, sizes, keptColumns));
  const header = [
    `# Pruned by DropNeuron (run ${basename(runDir)}): each layer's size is its trained size.`,
    ...(keptInputs !== undefined
      ? [`# ${keptInputs} input${keptInputs === 1 ? ' still feeds' : 's still feed'} the network; their indices are in kept-inputs.json.`]
      : []),
  ];
  const formatted = format(header.join('\n') + '\n' + edited);
  return formatted.ok ? formatted.text : header.join('\n') + '\n' + edited;
}
