// The error path when the no-GPU recipe's libraries are missing, with the library lookup injected
// so it runs without uninstalling anything.
import { BackendError, registerBackend, useBackend } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { createWebGpuBackend } from './plugin.js';
import {
  findSystemLibrary,
  llvmpipePackages,
  missingLlvmpipePackages,
  vulkanLoader,
} from './system-libraries.js';

const allFour = 'libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri';

describe('EGL/Mesa libraries for the llvmpipe fallback', () => {
  it('finds every package of the recipe on this machine (CI installs them)', () => {
    expect(llvmpipePackages.map((p) => p.name).join(' ')).toBe(allFour);
    expect(missingLlvmpipePackages(findSystemLibrary)).toEqual([]);
  });

  it('names each package whose files are missing', () => {
    expect(missingLlvmpipePackages(() => false)).toEqual(allFour.split(' '));
    expect(missingLlvmpipePackages((file) => !file.startsWith('dri/'))).toEqual([
      'libgl1-mesa-dri',
    ]);
    // Either name of Mesa's software driver will do.
    expect(missingLlvmpipePackages((file) => file !== 'dri/swrast_dri.so')).toEqual([]);
  });

  it.runIf(process.platform === 'linux')(
    'without them, isAvailable says which Debian packages to install and how',
    async () => {
      const plugin = createWebGpuBackend({ findLibrary: () => false });
      const availability = await plugin.isAvailable();
      expect(availability.available).toBe(false);
      const reason = availability.available ? '' : availability.reason;
      expect(reason).toContain(`vulkan: no Vulkan loader (${vulkanLoader})`);
      expect(reason).toContain(
        'missing the Debian/Ubuntu packages libegl1, libegl-mesa0, libgles2, libgl1-mesa-dri',
      );
      expect(reason).toContain(`run \`apt-get install -y ${allFour}\``);
    },
  );

  it.runIf(process.platform === 'linux')('names only what is missing', async () => {
    const plugin = createWebGpuBackend({
      findLibrary: (file) => file !== vulkanLoader && !file.startsWith('dri/'),
    });
    const availability = await plugin.isAvailable();
    const reason = availability.available ? '' : availability.reason;
    expect(reason).toContain(
      'missing the Debian/Ubuntu package libgl1-mesa-dri: run `apt-get install -y libgl1-mesa-dri`',
    );
    expect(reason).not.toContain('libegl1,');
  });

  it.runIf(process.platform === 'linux')(
    'useBackend("webgpu") then fails with a BackendError carrying the fix',
    async () => {
      registerBackend(createWebGpuBackend({ findLibrary: () => false }));
      const attempt = useBackend('webgpu');
      await expect(attempt).rejects.toThrow(BackendError);
      await expect(attempt).rejects.toThrow(
        /backend "webgpu" is not available: .*apt-get install -y libegl1/,
      );
    },
  );
});
