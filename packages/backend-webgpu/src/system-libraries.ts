// Linux: are the libraries of the no-GPU recipe (Mesa's llvmpipe through EGL, which Dawn's OpenGL
// backend dlopens) installed? Dawn only logs a warning when they are not, so the plug-in looks for
// the files itself to name the Debian packages to install.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether a library file ("libEGL.so.1", "dri/swrast_dri.so") is in a library directory. */
export type LibraryFinder = (file: string) => boolean;

/** The recipe's Debian/Ubuntu packages, each with the files that show it is installed (any one). */
export const llvmpipePackages: readonly { name: string; files: readonly string[] }[] = [
  { name: 'libegl1', files: ['libEGL.so.1'] },
  { name: 'libegl-mesa0', files: ['libEGL_mesa.so.0'] },
  { name: 'libgles2', files: ['libGLESv2.so.2'] },
  // Mesa's software rasterizer; kms_swrast is the same driver under the name newer Mesa keeps.
  { name: 'libgl1-mesa-dri', files: ['dri/swrast_dri.so', 'dri/kms_swrast_dri.so'] },
];

/** The Vulkan loader: without it Dawn cannot reach a GPU through Vulkan at all. */
export const vulkanLoader = 'libvulkan.so.1';

// Dawn ships Linux builds for these two architectures only.
const multiarch: Partial<Record<string, string>> = {
  x64: 'x86_64-linux-gnu',
  arm64: 'aarch64-linux-gnu',
};

function libraryDirectories(): string[] {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean);
  const triple = multiarch[process.arch];
  const debian = triple ? [`/usr/lib/${triple}`, `/lib/${triple}`] : [];
  return [...fromEnv, ...debian, '/usr/lib64', '/lib64', '/usr/lib', '/lib', '/usr/local/lib'];
}

export const findSystemLibrary: LibraryFinder = (file) =>
  libraryDirectories().some((directory) => existsSync(join(directory, file)));

/** The recipe's packages whose files are missing, in install order. */
export function missingLlvmpipePackages(find: LibraryFinder = findSystemLibrary): string[] {
  return llvmpipePackages.filter((p) => !p.files.some((f) => find(f))).map((p) => p.name);
}
