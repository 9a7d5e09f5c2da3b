/**
 * WebGPU in Node through Dawn (the npm package `webgpu`): any GPU through Vulkan (Linux), Metal (macOS) or D3D12
 * (Windows). Dawn is set up once per process as `navigator.gpu`, which tfjs' webgpu backend requires to exist
 * when it is loaded. See docs/gpu.md for the drivers each system needs.
 */
import { readdirSync } from 'node:fs';
import type { GpuAdapter } from '../../protocol/events.ts';

/** The parts of Dawn's adapter this file reads (the trainer's project has no DOM or WebGPU typings). */
interface DawnAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface DawnAdapter {
  info?: DawnAdapterInfo;
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance'; forceFallbackAdapter?: boolean }): Promise<DawnAdapter | null>;
}

let gpu: Promise<DawnGpu> | undefined;

/** Dawn's `navigator.gpu`, created on first use; rejects when the package or its binary for this platform is missing. */
export function dawn(): Promise<DawnGpu> {
  gpu ??= (async () => {
    const { create, globals } = (await import('webgpu')) as unknown as { create: (flags: string[]) => DawnGpu; globals: object };
    Object.assign(globalThis, globals);
    const instance = create([]);
    // Node 21+ has a read-only `navigator`: define, do not assign.
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: instance }, configurable: true, writable: true });
    return instance;
  })();
  return gpu;
}

/**
 * On Linux, whether any GPU device node exists (DRM render nodes, or NVIDIA's proprietary nodes); undefined on
 * other systems, where only asking Dawn tells. `auto` asks Dawn only when this is not false: with no GPU, Dawn
 * could offer nothing but a software adapter, and starting it costs time and prints driver warnings on stderr.
 */
export function gpuDevicePresent(): boolean | undefined {
  if (process.platform !== 'linux') return undefined;
  const nodes = (dir: string, prefix: string): boolean => {
    try {
      return readdirSync(dir).some((name) => name.startsWith(prefix));
    } catch {
      return false;
    }
  };
  return nodes('/dev/dri', 'renderD') || nodes('/dev', 'nvidia');
}

/** Software adapters (Mesa's lavapipe, SwiftShader) run on the CPU: correct, and slower than the CPU backends. */
export function isSoftware(info: DawnAdapterInfo): boolean {
  return !!info.isFallbackAdapter || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(`${info.device} ${info.description}`);
}

export function adapterOf(info: DawnAdapterInfo): GpuAdapter {
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software: isSoftware(info),
  };
}

/**
 * The adapter tfjs' webgpu backend will take: the one Dawn answers for a high-performance request, as tfjs asks.
 * Undefined when Dawn finds none (no Vulkan/Metal/D3D12 driver).
 */
export async function preferredAdapter(): Promise<GpuAdapter | undefined> {
  const adapter = await (await dawn()).requestAdapter({ powerPreference: 'high-performance' });
  return adapter?.info ? adapterOf(adapter.info) : undefined;
}

/** Every adapter Dawn offers: the preferred one, and a fallback (software) one if it differs. */
export async function allAdapters(): Promise<GpuAdapter[]> {
  const instance = await dawn();
  const found: GpuAdapter[] = [];
  for (const options of [{ powerPreference: 'high-performance' as const }, { powerPreference: 'low-power' as const }, { forceFallbackAdapter: true }]) {
    const adapter = await instance.requestAdapter(options).catch(() => null);
    if (!adapter?.info) continue;
    const info = adapterOf(adapter.info);
    if (!found.some((f) => f.description === info.description && f.device === info.device)) found.push(info);
  }
  return found;
}
