// Linux: does this machine have a GPU that Dawn could reach? Every GPU driver Dawn can use on Linux
// (Vulkan, or a hardware OpenGL driver through EGL) works through a device node: a DRM render node
// (/dev/dri/renderD128 for AMD, Intel, Nouveau, Mesa's virtio), NVIDIA's own /dev/nvidia0, or
// WSL2's /dev/dxg. With none of them, Dawn can only offer Mesa's llvmpipe (software), so "auto"
// need not start Dawn to know it would pass webgpu over. Reading /dev costs microseconds; opening
// an adapter starts Dawn, which prints its own warnings on llvmpipe.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The GPU device nodes found, e.g. ["/dev/dri/renderD128"]; [] when there are none. */
export type GpuDeviceFinder = () => string[];

function entries(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return []; // no such directory (no DRM driver loaded), or not readable
  }
}

/** The GPU device nodes in `root`/dev (`root` is "/" but for tests). */
export function gpuDevicesUnder(root: string): string[] {
  const dev = join(root, 'dev');
  return [
    ...entries(join(dev, 'dri'))
      .filter((name) => /^renderD\d+$/.test(name))
      .map((name) => join(dev, 'dri', name)),
    ...entries(dev)
      .filter((name) => /^nvidia\d+$/.test(name))
      .map((name) => join(dev, name)),
    ...(existsSync(join(dev, 'dxg')) ? [join(dev, 'dxg')] : []),
  ];
}

export const findGpuDevices: GpuDeviceFinder = () => gpuDevicesUnder('/');

/** What the check looks for, for messages. */
export const gpuDeviceNodes = '/dev/dri/renderD*, /dev/nvidia*, /dev/dxg';
