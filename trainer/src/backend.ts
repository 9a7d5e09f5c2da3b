import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_ORDER, type BackendName, type BackendSetting, type CheckedModel } from '../../language/index.ts';
import type { GpuAdapter } from '../../protocol/events.ts';
import type { BackendsReport } from '../../protocol/lsp.ts';
import { adapterName } from '../../protocol/present.ts';
import { loadOrt } from './ort/runtime.ts';
import { ortRefusal } from './ort/support.ts';
import { adapterOf, allAdapters, dawn, gpuDevicePresent, preferredAdapter } from './webgpu.ts';

export interface BackendChoice {
  name: BackendName;
  /** Why each backend tried before it was skipped (auto only). */
  skipped: { backend: BackendName; reason: string }[];
  /** The GPU, for webgpu. */
  adapter?: GpuAdapter;
}

export class BackendError extends Error {}

const INSTALL_HINT: Record<BackendName, string> = {
  gpu: 'install it with: npm install @tensorflow/tfjs-node-gpu (Linux x64 with CUDA 11.2 and cuDNN 8.1; the install downloads libtensorflow)',
  webgpu:
    'install your GPU driver with Vulkan (Linux: libvulkan1 and the vendor’s driver), Metal (macOS) or D3D12 (Windows); `dropneuron backends` shows the adapters WebGPU sees',
  node: 'install it with: npm install @tensorflow/tfjs-node (the install downloads libtensorflow)',
  ort: 'install it with: npm install onnxruntime-node (its CPU build ships in the package: Linux, macOS and Windows on x64 and arm64)',
  wasm: 'install it with: npm install @tensorflow/tfjs-backend-wasm',
  cpu: 'install it with: npm install @tensorflow/tfjs-backend-cpu',
};

const requireHere = createRequire(__filename);

/**
 * The TensorFlow.js backend a backend's run holds its tensors on: `ort` steps in onnxruntime (trainer/src/ort/) and
 * does the rest of the run (evaluation, pruning, checkpoints, export) on wasm.
 */
export function tensorBackendOf(name: BackendName): Exclude<BackendName, 'ort'> {
  return name === 'ort' ? 'wasm' : name;
}

/**
 * Loads and selects a backend; for webgpu, returns the adapter. `auto` set: a software adapter is passed over.
 * `model`: the spec to train, which `ort` may refuse (ortRefusal).
 */
async function tryBackend(name: BackendName, auto: boolean, model?: CheckedModel): Promise<GpuAdapter | undefined> {
  switch (name) {
    case 'ort': {
      loadOrt();
      const refusal = model && ortRefusal(model);
      if (refusal) throw new Error(refusal);
      return tryBackend(tensorBackendOf(name), auto);
    }
    case 'gpu':
    case 'node': {
      // Registers the 'tensorflow' backend; -gpu registers the same name on top of CUDA.
      requireHere(name === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialise');
      return undefined;
    }
    case 'webgpu':
      return useWebgpu(auto);
    case 'wasm': {
      const wasm = requireHere('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      // The .wasm binaries ship inside the package's dist/ folder; point the loader at them (no network).
      const dist = dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm'));
      wasm.setWasmPaths(join(dist, '/').replace(/\\/g, '/'));
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
      return undefined;
    }
    case 'cpu': {
      requireHere('@tensorflow/tfjs-backend-cpu');
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
      return undefined;
    }
  }
}

async function useWebgpu(auto: boolean): Promise<GpuAdapter> {
  if (auto && gpuDevicePresent() === false) throw new Error('no GPU device on this machine (no /dev/dri/renderD* or /dev/nvidia*)');
  await dawn();
  const preferred = await preferredAdapter();
  if (!preferred) throw new Error('WebGPU found no GPU adapter (no Vulkan, Metal or D3D12 driver)');
  if (preferred.software && auto)
    throw new Error(`only a software adapter (${adapterName(preferred)}), slower than the CPU backends (--backend webgpu takes it)`);
  // Only now: tfjs' webgpu backend registers itself only if navigator.gpu exists when it loads.
  requireHere('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not initialise');
  // The adapter tfjs actually opened (it asks Dawn as preferredAdapter does; read it back to be sure).
  const opened = (tf.backend() as unknown as { device?: { adapterInfo?: Parameters<typeof adapterOf>[0] } }).device?.adapterInfo;
  return opened ? { ...adapterOf(opened), software: preferred.software || adapterOf(opened).software } : preferred;
}

export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/.test(message)) return 'not installed';
  return message.split('\n')[0]!;
}

/**
 * Tries every backend here (as `--backend NAME` would) and lists the WebGPU adapters: what `dropneuron backends`
 * prints. Leaves the last backend that loaded as tfjs' backend.
 */
export async function probeBackends(): Promise<BackendsReport> {
  const report: BackendsReport = { backends: [], adapters: [] };
  for (const backend of BACKEND_ORDER) {
    try {
      const adapter = await tryBackend(backend, false);
      report.backends.push({ backend, loads: true, ...(adapter ? { adapter } : {}) });
      if (!report.auto && !adapter?.software) report.auto = backend;
    } catch (error) {
      report.backends.push({ backend, loads: false, reason: reasonOf(error) });
    }
  }
  report.adapters = await allAdapters().catch(() => []);
  return report;
}

/**
 * Loads the requested backend, or for `auto` the first that loads in the vocabulary's order (gpu, webgpu, node,
 * ort, wasm, cpu), passing over a software WebGPU adapter and, given the `model` to train, `ort` where it cannot
 * train it. An explicitly requested backend that cannot load is a BackendError naming how to install it; `ort`
 * asked for a model it does not train, one saying why.
 */
export async function selectBackend(requested: BackendSetting, model?: CheckedModel): Promise<BackendChoice> {
  if (requested !== 'auto') {
    const refusal = requested === 'ort' && model ? ortRefusal(model) : undefined;
    if (refusal) throw new BackendError(`${refusal}: \`backend wasm\` trains it, and so does \`auto\`, which falls back to wasm`);
    let adapter: GpuAdapter | undefined;
    try {
      adapter = await tryBackend(requested, false);
    } catch (error) {
      throw new BackendError(`expected the \`${requested}\` backend to load, found: ${reasonOf(error)}; ${INSTALL_HINT[requested]}`);
    }
    return { name: requested, skipped: [], ...(adapter ? { adapter } : {}) };
  }
  const skipped: BackendChoice['skipped'] = [];
  for (const name of BACKEND_ORDER) {
    try {
      const adapter = await tryBackend(name, true, model);
      return { name, skipped, ...(adapter ? { adapter } : {}) };
    } catch (error) {
      skipped.push({ backend: name, reason: reasonOf(error) });
    }
  }
  throw new BackendError(`expected a TensorFlow.js backend to load, found none: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}
