// The worker's backends, loaded lazily: core lists and picks backends through its registry, but a
// backend package registers its plug-in when imported, and the cpu and wasm packages import their
// tfjs backends (hundreds of KB) at once. So the worker registers light stand-ins for them, which
// answer isAvailable() themselves and import the real package (a chunk of its own) only in init(),
// handing over to the real plug-in, which replaces the stand-in in the registry. The webgpu
// package is light already (it loads tfjs-backend-webgpu in init()), so it is imported to list.
import {
  type BackendPlugin,
  backendStatuses,
  listBackends,
  registerBackend,
  useBackend,
} from '@recurrent/core';
import type { BackendChoice } from '../protocol.js';

/** What loads a backend package: its plug-in and the init options it needs here. */
export interface BackendLoader {
  priority: number;
  /** Cheap check, without importing the package. */
  available(): { available: true } | { available: false; reason: string };
  load(): Promise<{ plugin: BackendPlugin; options?: Record<string, unknown> }>;
  /** What it runs on, before it is loaded. */
  device: string;
}

/** The wasm backend's options: its .wasm files' URLs, threads when the page is isolated. */
export function wasmThreads(isolated: boolean): number | undefined {
  if (!isolated) return undefined;
  const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)
    ?.hardwareConcurrency;
  return Math.max(1, Math.min(4, cores ?? 1));
}

const isolated = () =>
  Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);

export const defaultLoaders: Record<string, BackendLoader> = {
  cpu: {
    priority: 10,
    device: 'CPU (JavaScript)',
    available: () => ({ available: true }),
    load: async () => ({ plugin: (await import('@recurrent/backend-cpu')).cpuBackend }),
  },
  wasm: {
    priority: 20,
    device: 'CPU (WebAssembly, XNNPACK)',
    available: () =>
      typeof WebAssembly === 'object'
        ? { available: true }
        : { available: false, reason: 'this browser has no WebAssembly' },
    load: async () => {
      const { wasmBackend, wasmPaths } = await import('./wasm-backend.js');
      const threads = wasmThreads(isolated());
      return { plugin: wasmBackend, options: { wasmPaths, ...(threads ? { threads } : {}) } };
    },
  },
};

/**
 * The loaders of a data-parallel gradient worker (gradient-worker.ts): the same packages, with
 * WASM on one XNNPACK thread, since each data-parallel thread already has a core of its own.
 */
export const gradientWorkerLoaders: Record<string, BackendLoader> = {
  ...defaultLoaders,
  wasm: {
    ...(defaultLoaders.wasm as BackendLoader),
    load: async () => {
      const { wasmBackend, wasmPaths } = await import('./wasm-backend.js');
      return { plugin: wasmBackend, options: { wasmPaths, threads: 1 } };
    },
  },
};

/** Registers a stand-in for each loader not registered yet (the real package loads in init()). */
export function registerStandIns(loaders: Record<string, BackendLoader>): void {
  const known = new Set(listBackends().map((p) => p.name));
  for (const [name, loader] of Object.entries(loaders)) {
    if (!known.has(name)) registerBackend(standIn(name, loader));
  }
}

/** A plug-in that stands for `name` until init() loads the package and hands over to it. */
function standIn(name: string, loader: BackendLoader): BackendPlugin {
  return {
    name,
    priority: loader.priority,
    async isAvailable() {
      return loader.available();
    },
    async init(options) {
      const { plugin, options: own } = await loader.load();
      await plugin.init({ ...own, ...options });
    },
    async describe() {
      return { device: loader.device, loaded: false };
    },
  };
}

export class Backends {
  readonly #loaders: Record<string, BackendLoader>;
  readonly #webgpu: boolean;
  #registered: Promise<void> | undefined;

  /** `webgpu`: whether to import the webgpu package (not in Node tests, where Dawn would load). */
  constructor(loaders: Record<string, BackendLoader> = defaultLoaders, webgpu = true) {
    this.#loaders = loaders;
    this.#webgpu = webgpu;
  }

  #register(): Promise<void> {
    this.#registered ??= (async () => {
      const known = new Set(listBackends().map((p) => p.name));
      registerStandIns(this.#loaders);
      if (this.#webgpu && !known.has('webgpu')) await import('@recurrent/backend-webgpu');
    })();
    return this.#registered;
  }

  /** Every backend with its availability and what it runs on, or why it is unavailable. */
  async list(): Promise<BackendChoice[]> {
    await this.#register();
    const statuses = await backendStatuses();
    return statuses.map((status) => ({
      name: status.name,
      available: status.available,
      detail: status.available
        ? [
            describeDevice(status.description),
            status.auto ? '"auto" picks it' : '',
            status.notForAuto ? `not picked by "auto": ${status.notForAuto}` : '',
          ]
            .filter(Boolean)
            .join('; ')
        : (status.reason ?? 'unavailable'),
    }));
  }

  /**
   * Activates `name` ("auto": the best available one), loading its package; returns its name.
   * `options` reach the backend's init() when it starts here (e.g. wasm's `threads`).
   */
  async use(name: string, options?: Record<string, unknown>): Promise<string> {
    await this.#register();
    return useBackend(name, options);
  }
}

function describeDevice(description: Record<string, unknown> | undefined): string {
  if (!description) return '';
  const device = typeof description.device === 'string' ? description.device : '';
  const threads = typeof description.threads === 'number' ? description.threads : undefined;
  return threads && threads > 1 ? `${device}, ${threads} threads` : device;
}
