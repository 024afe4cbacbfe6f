// Backend plug-ins: core knows them only through this registry and never imports one. A backend
// package registers its plug-in when imported; useBackend picks one by name, or "auto" picks the
// fastest available one.
import * as tf from '@tensorflow/tfjs-core';
import { didYouMean } from '../spec/suggest.js';

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
  /**
   * Optional cheap check "auto" makes before isAvailable(): a reason to pass this backend over
   * without probing it, or undefined to probe. For a backend whose probe is costly or noisy and
   * would only find what "auto" passes over anyway (webgpu in Node on a machine with no GPU: Dawn
   * would find a software adapter, and prints warnings while looking). Naming the backend, and
   * backendStatuses(), still probe it.
   */
  skipInAuto?(): Promise<string | undefined>;
  /** Registers and activates the tfjs backend. */
  init(options?: Record<string, unknown>): Promise<void>;
  /** Device, versions and features, for `recurrent backends` and logs. */
  describe(): Promise<Record<string, unknown>>;
  /**
   * URL of a module that registers this plug-in when imported (its `import.meta.url`):
   * data-parallel worker threads import it to run on the same backend.
   */
  readonly module?: string;
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
  /** Set on the backend `useBackend("auto")` would pick now. */
  auto?: true;
}

/**
 * Every registered backend with its availability and description, best first, marking the one
 * "auto" would pick. Nothing is initialized: this only asks each plug-in.
 */
export async function backendStatuses(): Promise<BackendStatus[]> {
  const statuses: BackendStatus[] = [];
  let autoFound = false;
  for (const plugin of listBackends()) {
    const skip = await skipReasonOf(plugin);
    const availability = await availabilityOf(plugin);
    const status: BackendStatus = {
      name: plugin.name,
      priority: plugin.priority,
      available: availability.available,
    };
    if (!availability.available) status.reason = availability.reason;
    else {
      const notForAuto = availability.notForAuto ?? skip;
      if (notForAuto) status.notForAuto = notForAuto;
      try {
        status.description = await plugin.describe();
      } catch (error) {
        status.describeError = messageOf(error);
      }
    }
    if (!autoFound && skip === undefined && autoMayPick(availability)) {
      status.auto = true;
      autoFound = true;
    }
    statuses.push(status);
  }
  return statuses;
}

let active: string | undefined;

/**
 * Activates backend `name` ("auto": the highest-priority available one not marked notForAuto) and
 * returns its name. A named backend that is unknown, unregistered or unavailable is a BackendError
 * saying why and how to fix it; there is no fallback to another backend.
 */
export async function useBackend(
  name = 'auto',
  options?: Record<string, unknown>,
): Promise<string> {
  if (plugins.size === 0) {
    throw new BackendError(
      'no backend is registered: install and import one, e.g. `import "@recurrent/backend-cpu"` (or backend-wasm, backend-webgpu, backend-node)',
    );
  }
  const plugin = name === 'auto' ? await firstAvailable() : await available(name);
  if (active !== plugin.name || tf.getBackend() !== plugin.name) {
    try {
      await plugin.init(options);
    } catch (error) {
      // An available backend that fails to start is an installation problem to report, not a
      // reason to run somewhere else: "auto" does not try the next one either.
      throw new BackendError(
        `backend "${plugin.name}"${name === 'auto' ? ' (picked by "auto")' : ''} is available but failed to start: ${messageOf(error)}`,
        { cause: error },
      );
    }
    active = plugin.name;
  }
  return plugin.name;
}

async function available(name: string): Promise<BackendPlugin> {
  const plugin = plugins.get(name);
  if (!plugin) throw new BackendError(unregisteredMessage(name));
  const availability = await availabilityOf(plugin);
  if (!availability.available)
    throw new BackendError(`backend "${name}" is not available: ${availability.reason}`);
  return plugin;
}

function unregisteredMessage(name: string): string {
  const registered = listBackends().map((p) => p.name);
  const pkg = backendPackages[name];
  if (pkg) {
    return `backend "${name}" is not registered: install ${pkg} and import it once (\`import "${pkg}"\`) before using it; registered: ${registered.join(', ')}`;
  }
  const known = Object.keys(backendPackages);
  const suggestion = didYouMean(name, [...new Set([...registered, ...known, 'auto'])]);
  return `unknown backend "${name}"${suggestion ? ` (${suggestion})` : ''}: Recurrent's backends are ${known.join(', ')}, or "auto" for the best available one; registered: ${registered.join(', ')}`;
}

/** "auto" takes a working backend unless its plug-in says it is slower than the next one. */
function autoMayPick(availability: Availability): boolean {
  return availability.available && !availability.notForAuto;
}

async function firstAvailable(): Promise<BackendPlugin> {
  const reasons: string[] = [];
  const passedOver: string[] = [];
  for (const plugin of listBackends()) {
    const skip = await skipReasonOf(plugin);
    if (skip !== undefined) {
      reasons.push(`${plugin.name}: not tried by "auto": ${skip}`);
      passedOver.push(plugin.name);
      continue;
    }
    const availability = await availabilityOf(plugin);
    if (autoMayPick(availability)) return plugin;
    if (availability.available) passedOver.push(plugin.name);
    reasons.push(
      `${plugin.name}: ${availability.available ? `works, but "auto" passes it over: ${availability.notForAuto}` : availability.reason}`,
    );
  }
  const fix = passedOver.length
    ? `name ${passedOver.map((n) => `"${n}"`).join(' or ')} to use it anyway, or install a backend that works here`
    : 'install a backend that works here, e.g. @recurrent/backend-cpu (pure JavaScript, runs everywhere)';
  throw new BackendError(`"auto" found no backend to use (${reasons.join('; ')}); ${fix}`);
}

/** skipInAuto() of a plug-in; a check that fails is no reason to skip (isAvailable() decides). */
async function skipReasonOf(plugin: BackendPlugin): Promise<string | undefined> {
  try {
    return (await plugin.skipInAuto?.()) || undefined;
  } catch {
    return undefined;
  }
}

/** isAvailable() of a plug-in whose check itself fails (a broken install) means unavailable. */
async function availabilityOf(plugin: BackendPlugin): Promise<Availability> {
  try {
    return await plugin.isAvailable();
  } catch (error) {
    return { available: false, reason: `its availability check failed: ${messageOf(error)}` };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The backend models currently run on. */
export function activeBackend(): string | undefined {
  return active;
}
