// Which backends to measure: by default every registered one that "auto" would consider (available
// and not passed over), or the list given with --backends. Every backend left out gets a note.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { type BackendStatus, backendStatuses, listBackends } from '@recurrent/core';
import { errorText } from './measure.js';

export interface PlannedBackend {
  name: string;
  description?: Record<string, unknown>;
  /** A GPU backend on a software adapter (llvmpipe...): reps capped to 1, speed not judged. */
  software: boolean;
  notes: string[];
}

export interface BackendPlan {
  run: PlannedBackend[];
  skipped: { name: string; reason: string }[];
}

/**
 * Importing a plug-in package registers it with core's registry. Imported one by one so that a
 * package that fails to load (being rewritten, a missing native module) only loses its backend.
 */
export async function registerPlugins(): Promise<{ name: string; reason: string }[]> {
  const failures: { name: string; reason: string }[] = [];
  const load = async (name: string, load: () => Promise<unknown>) => {
    try {
      await load();
    } catch (error) {
      failures.push({ name, reason: `its package failed to load: ${errorText(error)}` });
    }
  };
  await load('cpu', () => import('@recurrent/backend-cpu'));
  await load('wasm', () => import('@recurrent/backend-wasm'));
  await load('webgpu', () => import('@recurrent/backend-webgpu'));
  return failures;
}

/** backendStatuses(), or when one plug-in's isAvailable() throws, each plug-in on its own. */
async function statusesOneByOne(): Promise<BackendStatus[]> {
  try {
    return await backendStatuses();
  } catch {
    const statuses: BackendStatus[] = [];
    for (const plugin of listBackends()) {
      const base = { name: plugin.name, priority: plugin.priority };
      try {
        const availability = await plugin.isAvailable();
        if (!availability.available) {
          statuses.push({ ...base, available: false, reason: availability.reason });
          continue;
        }
        const status: BackendStatus = { ...base, available: true };
        if (availability.notForAuto) status.notForAuto = availability.notForAuto;
        try {
          status.description = await plugin.describe();
        } catch (error) {
          status.describeError = errorText(error);
        }
        statuses.push(status);
      } catch (error) {
        statuses.push({
          ...base,
          available: false,
          reason: `isAvailable() threw ${errorText(error)}`,
        });
      }
    }
    return statuses;
  }
}

const softwareAdapter = /llvmpipe|lavapipe|swiftshader|software|fallback/i;

function planned(status: BackendStatus): PlannedBackend {
  const notes: string[] = [];
  if (status.notForAuto) notes.push(`not used by "auto": ${status.notForAuto}`);
  if (status.describeError) notes.push(`describe() failed: ${status.describeError}`);
  const software =
    status.name === 'webgpu' &&
    (status.notForAuto !== undefined || softwareAdapter.test(JSON.stringify(status.description)));
  if (software) {
    notes.push(
      'software adapter: 1 rep per measurement; speed is not judged here (BENCHMARKS.md: only on a real GPU)',
    );
  }
  return {
    name: status.name,
    ...(status.description ? { description: status.description } : {}),
    software,
    notes,
  };
}

export async function planBackends(
  requested: string[] | undefined,
  loadFailures: { name: string; reason: string }[],
): Promise<BackendPlan> {
  const statuses = await statusesOneByOne();
  const plan: BackendPlan = { run: [], skipped: [] };
  const failed = (name: string) => loadFailures.find((f) => f.name === name);
  if (requested) {
    for (const name of requested) {
      const status = statuses.find((s) => s.name === name);
      const failure = failed(name);
      if (!status && failure) plan.skipped.push(failure);
      else if (!status) {
        const known = statuses.map((s) => s.name).join(', ');
        plan.skipped.push({
          name,
          reason: `no plug-in of this name is registered (registered: ${known})`,
        });
      } else if (!status.available) {
        plan.skipped.push({ name, reason: status.reason ?? 'not available' });
      } else plan.run.push(planned(status));
    }
    return plan;
  }
  for (const status of statuses) {
    if (!status.available) {
      plan.skipped.push({ name: status.name, reason: status.reason ?? 'not available' });
    } else if (status.notForAuto) {
      plan.skipped.push({
        name: status.name,
        reason: `${status.notForAuto} (force it with --backends ${status.name})`,
      });
    } else plan.run.push(planned(status));
  }
  plan.skipped.push(...loadFailures.filter((f) => !statuses.some((s) => s.name === f.name)));
  return plan;
}

/**
 * useBackend options. Bundled, tfjs-backend-wasm would look for its .wasm files next to
 * .bench/run.mjs: point it at its own dist folder.
 */
export function initOptions(name: string): Record<string, unknown> | undefined {
  if (name !== 'wasm') return undefined;
  try {
    const pkg = createRequire(import.meta.url).resolve(
      '@tensorflow/tfjs-backend-wasm/package.json',
    );
    return { wasmPaths: `${dirname(pkg)}/dist/` };
  } catch {
    return undefined;
  }
}
