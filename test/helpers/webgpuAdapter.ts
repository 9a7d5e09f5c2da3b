import type { GpuAdapter } from '../../protocol/events.ts';
import { reasonOf } from '../../trainer/src/backend.ts';
import { dawn, preferredAdapter } from '../../trainer/src/webgpu.ts';

/** The adapter tfjs would open, or why there is none: the webgpu tests skip with the reason (and fail under CI=true). */
export async function findAdapter(): Promise<{ adapter?: GpuAdapter; reason?: string }> {
  try {
    await dawn();
    const adapter = await preferredAdapter();
    return adapter ? { adapter } : { reason: 'WebGPU (Dawn) found no adapter: no Vulkan driver (scripts/setup-vulkan.sh installs lavapipe)' };
  } catch (error) {
    return { reason: `WebGPU (Dawn) did not load: ${reasonOf(error)}` };
  }
}
