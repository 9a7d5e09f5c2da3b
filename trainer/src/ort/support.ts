import type { CheckedModel } from '../../../language/index.ts';

/** The layer kinds the `ort` step and evaluation graphs cover (forward.ts, backward.ts): all but local response normalisation. */
const ORT_LAYERS = new Set(['dense', 'conv', 'maxpool', 'avgpool', 'flatten', 'dropout']);
const ORT_OPTIMIZERS = new Set(['adam', 'sgd']);

/**
 * Why the `ort` backend cannot train `model`, as one sentence, or undefined where it can: its graphs cover dense,
 * conv, pooling, flatten and dropout layers under Adam or SGD. `auto` passes over it with this reason, and
 * `--backend ort` fails with it.
 */
export function ortRefusal(model: CheckedModel): string | undefined {
  const layer = model.layers.find((l) => !ORT_LAYERS.has(l.kind));
  if (layer) return `the ort backend trains dense, conv and pooling layers, and layer \`${layer.name}\` is a ${layer.kind} layer`;
  if (!ORT_OPTIMIZERS.has(model.train.optimizer)) return `the ort backend trains with adam or sgd, not ${model.train.optimizer}`;
  return undefined;
}
