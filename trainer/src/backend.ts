import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_ORDER, type BackendName, type BackendSetting } from '../../language/index.ts';

export interface BackendChoice {
  name: BackendName;
  /** Why each backend tried before it was skipped (auto only). */
  skipped: { backend: BackendName; reason: string }[];
}

export class BackendError extends Error {}

const INSTALL_HINT: Record<BackendName, string> = {
  gpu: 'npm install @tensorflow/tfjs-node-gpu (Linux x64 with CUDA 11.2 and cuDNN 8.1; the install downloads libtensorflow)',
  node: 'npm install @tensorflow/tfjs-node (the install downloads libtensorflow)',
  wasm: 'npm install @tensorflow/tfjs-backend-wasm',
  cpu: 'npm install @tensorflow/tfjs-backend-cpu',
};

const requireHere = createRequire(__filename);

async function tryBackend(name: BackendName): Promise<void> {
  switch (name) {
    case 'gpu':
    case 'node': {
      // Registers the 'tensorflow' backend; -gpu registers the same name on top of CUDA.
      requireHere(name === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialise');
      return;
    }
    case 'wasm': {
      const wasm = requireHere('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      // The .wasm binaries ship inside the package's dist/ folder; point the loader at them (no network).
      const dist = dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm'));
      wasm.setWasmPaths(join(dist, '/').replace(/\\/g, '/'));
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
      return;
    }
    case 'cpu': {
      requireHere('@tensorflow/tfjs-backend-cpu');
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
      return;
    }
  }
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Cannot find module/.test(message)) return 'not installed';
  return message.split('\n')[0]!;
}

/**
 * Loads the requested backend, or for `auto` the first that loads in the order gpu, node, wasm, cpu.
 * An explicitly requested backend that cannot load is a BackendError naming how to install it.
 */
export async function selectBackend(requested: BackendSetting): Promise<BackendChoice> {
  if (requested !== 'auto') {
    try {
      await tryBackend(requested);
    } catch (error) {
      throw new BackendError(`expected the \`${requested}\` backend to load, found: ${reasonOf(error)}; install it with: ${INSTALL_HINT[requested]}`);
    }
    return { name: requested, skipped: [] };
  }
  const skipped: BackendChoice['skipped'] = [];
  for (const name of BACKEND_ORDER) {
    try {
      await tryBackend(name);
      return { name, skipped };
    } catch (error) {
      skipped.push({ backend: name, reason: reasonOf(error) });
    }
  }
  throw new BackendError(`expected a TensorFlow.js backend to load, found none: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}
