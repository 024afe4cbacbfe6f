// The data-parallel setting: how many threads train a run (the training worker and gradient
// workers, core's webWorkerThreads). Offered on the backends whose step runs on one core (cpu,
// wasm; a GPU backend runs each step on the device) and only in a cross-origin-isolated page,
// where workers can share memory (SharedArrayBuffer). The page offers the choices, the worker
// refuses the rest with the same rule.

const backends = new Set(['cpu', 'wasm']);

/** The most threads offered: one per core, at most 4 (core's "--threads auto" in Node). */
export function maxDataParallel(cores: number | undefined): number {
  return Math.max(1, Math.min(4, cores ?? 1));
}

/** The thread counts to offer ([] when the setting is not offered: wrong backend, not isolated). */
export function dataParallelChoices(
  isolated: boolean,
  backend: string,
  cores: number | undefined,
): number[] {
  if (!isolated || !backends.has(backend)) return [];
  return Array.from({ length: maxDataParallel(cores) }, (_, i) => i + 1);
}

/** Why a run cannot train on `count` threads here, or undefined when it can. */
export function dataParallelProblem(
  isolated: boolean,
  backend: string,
  count: number,
): string | undefined {
  if (count === 1) return undefined;
  if (!Number.isInteger(count) || count < 1)
    return `data-parallel workers: expected a positive integer, got ${count}`;
  if (!backends.has(backend))
    return `data-parallel training runs on the cpu and wasm backends, not ${backend} (set the workers to 1)`;
  if (!isolated)
    return 'data-parallel training needs a cross-origin-isolated page (COOP/COEP headers, for SharedArrayBuffer): set the workers to 1';
  return undefined;
}
