import { createRequire } from 'node:module';

/** onnxruntime-node's API (its types only here: the package loads at run time, outside the bundle). */
export type Ort = typeof import('onnxruntime-node');

const requireHere = createRequire(__filename);
let loaded: Ort | undefined;

/** Loads onnxruntime-node (its native CPU build, MLAS); throws where it is not installed or does not load on this platform. */
export function loadOrt(): Ort {
  loaded ??= requireHere('onnxruntime-node') as Ort;
  return loaded;
}
