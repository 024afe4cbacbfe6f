// Node: WebGPU from Dawn (the npm package "webgpu", an optional peer dependency loaded on first
// use). A real GPU first (Vulkan on Linux, Metal on macOS, D3D12 on Windows); on Linux without
// one, Mesa's llvmpipe through Dawn's OpenGL backend, which needs EGL's surfaceless platform and a
// "compatibility" adapter.
import { lstatSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, type GpuChoice, openAdapter, type Probe } from './adapter.js';
import { findGpuDevices, type GpuDeviceFinder, gpuDeviceNodes } from './gpu-devices.js';
import type { AdapterRequest, GpuLike } from './gpu-types.js';
import { installNavigatorGpu } from './navigator-gpu.js';
import type { ProbeOptions } from './probe.js';
import {
  findSystemLibrary,
  type LibraryFinder,
  llvmpipePackages,
  missingLlvmpipePackages,
  vulkanLoader,
} from './system-libraries.js';

export interface Dawn {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** Finding and loading the "webgpu" package: never imported statically (it is optional). */
export interface DawnLoader {
  /** The package's entry file, or undefined when it is not installed. */
  resolve(): string | undefined;
  load(): Promise<Dawn>;
}

export interface DawnDependencies {
  /** Where the EGL/Mesa and Vulkan libraries are looked for (tests pretend they are missing). */
  findLibrary?: LibraryFinder;
  /** The GPU device nodes of this machine (tests pretend there are some, or none). */
  findGpuDevices?: GpuDeviceFinder;
  /** How the "webgpu" package is found and loaded (tests pretend it is not installed). */
  dawnLoader?: DawnLoader;
}

/** The version of "webgpu" this package is tested with: its peer dependency, and what to install. */
export const dawnVersion = '0.6.2';

const hardwareBackends: Partial<Record<string, string>> = {
  linux: 'vulkan',
  darwin: 'metal',
  win32: 'd3d12',
};

const require = createRequire(import.meta.url);
const instances = new Map<string, GpuLike>();
const loaded = new WeakMap<DawnLoader, Promise<Dawn>>();

export const nodeModulesDawn: DawnLoader = {
  resolve() {
    try {
      return require.resolve('webgpu');
    } catch (error) {
      if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
      throw error;
    }
  },
  // Computed, like this module's own import: bundlers must not follow Dawn, a native addon.
  load() {
    const specifier = 'webgpu';
    return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<Dawn>;
  },
};

/** Once per process (per loader): the module, with its constants installed as globals. */
function loadDawn(loader: DawnLoader): Promise<Dawn> {
  let dawn = loaded.get(loader);
  if (!dawn) {
    dawn = loader.load().then((module) => {
      // GPUBufferUsage, GPUMapMode...: the constants tfjs-backend-webgpu reads as globals.
      for (const [name, value] of Object.entries(module.globals))
        if (!(name in globalThis))
          Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
      return module;
    });
    loaded.set(loader, dawn);
  }
  return dawn;
}

/** Why WebGPU is unavailable in Node without the optional "webgpu" package, and the fix. */
export const dawnNotInstalled =
  `the "webgpu" package (Dawn for Node) is not installed: run \`npm install webgpu@${dawnVersion}\` ` +
  `beside @recurrent/backend-webgpu (with a global @recurrent/cli: \`npm install -g webgpu@${dawnVersion}\`); ` +
  'it holds Dawn for every platform, about 130 MB. Browsers need nothing (they have navigator.gpu)';

/**
 * Why "auto" should not start Dawn on this machine, or undefined. On Linux with no GPU device node
 * Dawn could only find Mesa's llvmpipe, which "auto" passes over (slower than wasm); starting Dawn
 * to learn that prints its warnings on stderr. Elsewhere (macOS, Windows) the probe decides.
 */
export function noGpuForAuto(dependencies: DawnDependencies = {}): string | undefined {
  if (process.platform !== 'linux') return undefined;
  if ((dependencies.findGpuDevices ?? findGpuDevices)().length > 0) return undefined;
  return (
    `no GPU device on this machine (none of ${gpuDeviceNodes}), so WebGPU could only run on ` +
    `Mesa's llvmpipe, slower than wasm: "auto" does not start Dawn; name "webgpu" to use it anyway`
  );
}

/** One Dawn instance per backend for the process: probes and init share it. */
function instance(module: Dawn, backend: string): GpuLike {
  let gpu = instances.get(backend);
  if (!gpu) {
    gpu = module.create([`backend=${backend}`]);
    instances.set(backend, gpu);
  }
  return gpu;
}

/** The environment variables this package set, for describe(). */
const environmentSet: Record<string, string> = {};

function setEnvironment(name: string, value: string): void {
  process.env[name] = value;
  environmentSet[name] = value;
}

/**
 * A runtime directory as XDG wants it (owned by this user, mode 0700) that every process of the
 * user reuses, so none is left behind per process; a fresh one if the shared path is not safe.
 */
function runtimeDirectory(): string {
  const uid = process.getuid?.();
  const shared = join(tmpdir(), `recurrent-webgpu-runtime-${uid ?? 'user'}`);
  try {
    mkdirSync(shared, { mode: 0o700, recursive: true });
    const stat = lstatSync(shared);
    if (stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0) return shared;
  } catch {}
  return mkdtempSync(join(tmpdir(), 'recurrent-webgpu-'));
}

/**
 * EGL without a display server: Mesa needs EGL_PLATFORM=surfaceless and a runtime directory.
 * Values the user set are kept.
 */
function prepareSurfacelessEgl(forceSoftware: boolean): void {
  if (!process.env.EGL_PLATFORM) setEnvironment('EGL_PLATFORM', 'surfaceless');
  if (!process.env.XDG_RUNTIME_DIR) setEnvironment('XDG_RUNTIME_DIR', runtimeDirectory());
  // Mesa then loads llvmpipe even where EGL could reach a GPU's driver.
  if (forceSoftware && !process.env.LIBGL_ALWAYS_SOFTWARE)
    setEnvironment('LIBGL_ALWAYS_SOFTWARE', '1');
}

function versions(): Record<string, string> {
  const version = (name: string) =>
    (require(`${name}/package.json`) as { version: string }).version;
  return { webgpu: version('webgpu'), tfjsWebgpu: version('@tensorflow/tfjs-backend-webgpu') };
}

function finish(choice: GpuChoice): Probe {
  const details: Record<string, unknown> = { runtime: 'Node (Dawn)', ...versions() };
  if (Object.keys(environmentSet).length > 0) details.environmentSet = { ...environmentSet };
  const { gpu } = choice;
  return { ok: true, choice: { ...choice, details, install: () => installNavigatorGpu(gpu) } };
}

export async function probeDawn(
  options: ProbeOptions,
  dependencies: DawnDependencies = {},
): Promise<Probe> {
  const find = dependencies.findLibrary ?? findSystemLibrary;
  const loader = dependencies.dawnLoader ?? nodeModulesDawn;
  if (loader.resolve() === undefined) return { ok: false, reason: dawnNotInstalled };
  let module: Dawn;
  try {
    module = await loadDawn(loader);
  } catch (error) {
    return {
      ok: false,
      reason:
        `the "webgpu" package (Dawn for Node) is installed but failed to load: ` +
        `${errorMessage(error)}; it ships Dawn for Linux x64/arm64, macOS and Windows x64/arm64 ` +
        `(this is ${process.platform}-${process.arch}): reinstall it with \`npm install webgpu@${dawnVersion}\``,
    };
  }
  const preference: AdapterRequest = options.powerPreference
    ? { powerPreference: options.powerPreference }
    : {};
  const tried: string[] = [];
  const hardware = hardwareBackends[process.platform];
  if (hardware && !options.forceSoftware) {
    if (hardware === 'vulkan' && !find(vulkanLoader)) {
      tried.push(`vulkan: no Vulkan loader (${vulkanLoader})`);
    } else {
      const probe = await openAdapter(instance(module, hardware), preference, hardware);
      if (probe.ok) return finish(probe.choice);
      tried.push(probe.reason);
    }
  }
  const noGpu = tried.length > 0 ? `no GPU adapter (${tried.join('; ')})` : '';
  if (process.platform !== 'linux') {
    return { ok: false, reason: noGpu || 'forceSoftware needs Linux (Mesa llvmpipe)' };
  }
  const missing = missingLlvmpipePackages(find);
  if (missing.length > 0) {
    return {
      ok: false,
      reason:
        `${noGpu ? `${noGpu}, and ` : ''}the software fallback (Mesa llvmpipe through EGL) is ` +
        `missing the Debian/Ubuntu package${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: ` +
        `run \`apt-get install -y ${missing.join(' ')}\` (all four: ` +
        `${llvmpipePackages.map((p) => p.name).join(' ')})`,
    };
  }
  prepareSurfacelessEgl(options.forceSoftware === true);
  const request: AdapterRequest = { ...preference, featureLevel: 'compatibility' };
  const probe = await openAdapter(instance(module, 'opengl'), request, 'opengl');
  if (!probe.ok) {
    const egl = `EGL_PLATFORM=${process.env.EGL_PLATFORM}`;
    return {
      ok: false,
      reason: `${noGpu ? `${noGpu}; ` : ''}${probe.reason} (${egl}; Dawn prints the EGL error on stderr)`,
    };
  }
  if (options.forceSoftware && !probe.choice.adapter.software) {
    return {
      ok: false,
      reason:
        `forceSoftware: EGL gave the hardware adapter "${probe.choice.adapter.device}"; start ` +
        'the process with LIBGL_ALWAYS_SOFTWARE=1 to get llvmpipe',
    };
  }
  return finish(probe.choice);
}
