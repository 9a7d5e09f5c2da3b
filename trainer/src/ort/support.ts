import type { CheckedModel } from '../../../language/index.ts';

/** The layer kinds the `ort` step graph covers (stepGraph.ts): dense networks. */
const ORT_LAYERS = new Set(['dense', 'dropout', 'flatten']);
const ORT_OPTIMIZERS = new Set(['adam', 'sgd']);

/**
 * Why the `ort` backend cannot train `model`, as one sentence, or undefined where it can: its step graph covers
 * dense networks under Adam or SGD. `auto` passes over it with this reason, and `--backend ort` fails with it.
 */
export function ortRefusal(model: CheckedModel): string | undefined {
  const layer = model.layers.find((l) => !ORT_LAYERS.has(l.kind));
  if (layer) return `the ort backend trains dense networks only, and layer \`${layer.name}\` is a ${layer.kind} layer`;
  if (!ORT_OPTIMIZERS.has(model.train.optimizer)) return `the ort backend trains with adam or sgd, not ${model.train.optimizer}`;
  return undefined;
}
