import { createRequire } from 'node:module';

/** onnxruntime-node's API (its types only here: the package loads at run time, outside the bundle). */
export type Ort = typeof import('onnxruntime-node');

const requireHere = createRequire(__filename);
let loaded: Ort | undefined;

/** Loads onnxruntime-node (its native CPU build, MLAS); throws where it is not installed or does not load on this platform. */
export function loadOrt(): Ort {
  if (!loaded) {
    loaded = requireHere('onnxruntime-node') as Ort;
    // Errors only: onnxruntime's warnings go to stderr, where a failed run's one line belongs.
    loaded.env.logLevel = 'error';
  }
  return loaded;
}
