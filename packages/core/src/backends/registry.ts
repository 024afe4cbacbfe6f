// Backend plug-ins: core knows them only through this registry and never imports one. A backend
// package registers its plug-in when imported; useBackend picks one by name, or "auto" picks the
// fastest available one.
import * as tf from '@tensorflow/tfjs-core';

export type Availability = { available: true } | { available: false; reason: string };

export interface BackendPlugin {
  /** Name used by the API and the CLI: "cpu", "wasm", "webgpu", "node". */
  readonly name: string;
  /** Higher is preferred by "auto" (native 40 > webgpu on a real GPU 30 > wasm 20 > cpu 10). */
  readonly priority: number;
  isAvailable(): Promise<Availability>;
  /** Registers and activates the tfjs backend. */
  init(options?: Record<string, unknown>): Promise<void>;
  /** Device, versions and features, for `recurrent backends` and logs. */
  describe(): Promise<Record<string, unknown>>;
}

const plugins = new Map<string, BackendPlugin>();

export function registerBackend(plugin: BackendPlugin): void {
  plugins.set(plugin.name, plugin);
}

export function listBackends(): BackendPlugin[] {
  return [...plugins.values()].sort((a, b) => b.priority - a.priority);
}

export class BackendError extends Error {
  override name = 'BackendError';
}

let active: string | undefined;

/** Activates backend `name` ("auto": the highest-priority available one) and returns its name. */
export async function useBackend(
  name = 'auto',
  options?: Record<string, unknown>,
): Promise<string> {
  if (plugins.size === 0) {
    throw new BackendError(
      'no backend is registered: install and import one, e.g. `import "@recurrent/backend-cpu"` (or backend-wasm, backend-webgpu, backend-node)',
    );
  }
  const plugin = name === 'auto' ? await firstAvailable() : plugins.get(name);
  if (!plugin) {
    throw new BackendError(
      `unknown backend "${name}"; registered: ${[...plugins.keys()].join(', ')}`,
    );
  }
  if (name !== 'auto') {
    const availability = await plugin.isAvailable();
    if (!availability.available)
      throw new BackendError(`backend "${name}" is not available: ${availability.reason}`);
  }
  if (active !== plugin.name || tf.getBackend() !== plugin.name) {
    await plugin.init(options);
    active = plugin.name;
  }
  return plugin.name;
}

async function firstAvailable(): Promise<BackendPlugin> {
  const reasons: string[] = [];
  for (const plugin of listBackends()) {
    const availability = await plugin.isAvailable();
    if (availability.available) return plugin;
    reasons.push(`${plugin.name}: ${availability.reason}`);
  }
  throw new BackendError(`no registered backend is available (${reasons.join('; ')})`);
}

/** The backend models currently run on. */
export function activeBackend(): string | undefined {
  return active;
}
