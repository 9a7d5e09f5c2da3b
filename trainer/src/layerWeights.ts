import type { CheckedLayer } from '../../language/index.ts';

/**
 * A weighted layer's weights read back to the host (`Network.read`), flat in the layer's weight shape: what
 * statistics, pruning, compaction, evaluation and export read between steps.
 */
export interface LayerWeights {
  layer: CheckedLayer;
  w: Float32Array<ArrayBufferLike>;
  b: Float32Array<ArrayBufferLike>;
}

/** The layers with every weight under `threshold` in magnitude set to zero, biases untouched (as in the seed). */
export function zeroBelowThreshold(layers: readonly LayerWeights[], threshold: number): LayerWeights[] {
  return layers.map(({ layer, w, b }) => ({ layer, w: w.map((v) => (Math.abs(v) < threshold ? 0 : v)), b }));
}
