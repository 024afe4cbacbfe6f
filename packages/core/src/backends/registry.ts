// Backend plug-ins: core knows them only through this registry and never imports one. A backend
// package registers its plug-in when imported; useBackend picks one by name, or "auto" picks the
// fastest available one.
import * as tf from '@tensorflow/tfjs-core';

export type Availability =
  | {
      available: true;
      /**
       * Set when "auto" should pass this backend over although it works, with the reason (webgpu on
       * a software adapter such as llvmpipe is slower than wasm). Naming the backend still uses it.
       */
      notForAuto?: string;
    }
  | { available: false; reason: string };

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

/** The package that provides each backend Recurrent knows of, for "how to fix" messages. */
const backendPackages: Record<string, string> = {
  cpu: '@recurrent/backend-cpu',
  wasm: '@recurrent/backend-wasm',
  webgpu: '@recurrent/backend-webgpu',
  node: '@recurrent/backend-node',
};

export interface BackendStatus {
  name: string;
  priority: number;
  available: boolean;
  /** Why not, and how to fix it, when unavailable. */
  reason?: string;
  /** The plug-in's describe() when available (describe() may fail on a broken install). */
  description?: Record<string, unknown>;
  describeError?: string;
  /** Why "auto" passes over this available backend. */
  notForAuto?: string;
}

/** Every registered backend with its availability and description, best first. */
export async function backendStatuses(): Promise<BackendStatus[]> {
  const statuses: BackendStatus[] = [];
  for (const plugin of listBackends()) {
    const availability = await plugin.isAvailable();
    const status: BackendStatus = {
      name: plugin.name,
      priority: plugin.priority,
      available: availability.available,
    };
    if (!availability.available) status.reason = availability.reason;
    else {
      if (availability.notForAuto) status.notForAuto = availability.notForAuto;
      try {
        status.description = await plugin.describe();
      } catch (error) {
        status.describeError = error instanceof Error ? error.message : String(error);
      }
    }
    statuses.push(status);
  }
  return statuses;
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
  if (!plugin) throw new BackendError(unregisteredMessage(name));
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

function unregisteredMessage(name: string): string {
  const registered = [...plugins.keys()].join(', ');
  const pkg = backendPackages[name];
  if (pkg) {
    return `backend "${name}" is not registered: install ${pkg} and import it once (\`import "${pkg}"\`) before compiling; registered: ${registered}`;
  }
  return `unknown backend "${name}": Recurrent's backends are ${Object.keys(backendPackages).join(', ')} (or "auto"); registered: ${registered}`;
}

async function firstAvailable(): Promise<BackendPlugin> {
  const reasons: string[] = [];
  for (const plugin of listBackends()) {
    const availability = await plugin.isAvailable();
    if (availability.available && !availability.notForAuto) return plugin;
    reasons.push(
      `${plugin.name}: ${availability.available ? availability.notForAuto : availability.reason}`,
    );
  }
  throw new BackendError(`no registered backend is available (${reasons.join('; ')})`);
}

/** The backend models currently run on. */
export function activeBackend(): string | undefined {
  return active;
}
