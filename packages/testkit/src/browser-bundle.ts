// The browser-bundle check the task packages share: their main entries (with core's and data's)
// bundled by esbuild for platform "browser", as a page's worker would load them, proved free of
// Node (a node: import would fail to resolve) and run in a sandbox with web globals only.
import vm from 'node:vm';
import { build } from 'esbuild';
import { expect } from 'vitest';

export interface BrowserBundle {
  /** The IIFE's code; it defines the global `recurrent` with the entry's exports. */
  code: string;
  /** The bundled files, relative to the package: src/... for its own, ../core/src/... for core. */
  inputs: string[];
  /** Every import path the bundled files wrote. */
  imports: string[];
}

/**
 * The IIFE bundle (global `recurrent`) of an entry made of `lines` of TypeScript, resolved from
 * `packageDir` with the `@recurrent/source` condition (siblings' source, as the tests read them).
 */
export async function bundleForBrowser(
  packageDir: string,
  lines: readonly string[],
): Promise<BrowserBundle> {
  const result = await build({
    stdin: { contents: lines.join('\n'), resolveDir: packageDir, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'recurrent',
    write: false,
    metafile: true,
    conditions: ['@recurrent/source'],
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const imports = Object.values(result.metafile.inputs).flatMap((i) =>
    i.imports.map((x) => x.path),
  );
  return { code: result.outputFiles[0]?.text ?? '', inputs, imports };
}

/**
 * Asserts that `bundle` holds each of `needed` (paths as in `inputs`), imports no `node:` module,
 * and took none of the Node-only modules (a /node entry, model folders, run checkpoints, threads).
 */
export function expectBrowserSafe(bundle: BrowserBundle, needed: readonly string[]): void {
  const own = bundle.inputs.filter((i) => /^(\.\.\/(core|data)\/)?src\//.test(i));
  for (const path of needed) expect(own).toContain(path);
  expect(bundle.imports.filter((path) => path.startsWith('node:'))).toEqual([]);
  expect(own.filter((i) => /\/node\.ts$|model-folder|run-checkpoint|threads/.test(i))).toEqual([]);
}

/** A context with a web worker's globals (plus `extra`) and nothing of Node's. */
export function workerLikeContext(extra: Record<string, unknown> = {}): vm.Context {
  const context = vm.createContext({
    console,
    TextEncoder,
    TextDecoder,
    performance,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    URL,
    WebAssembly,
    ...extra,
  });
  vm.runInContext(
    'globalThis.self = globalThis; globalThis.WorkerGlobalScope = function WorkerGlobalScope() {};',
    context,
  );
  return context;
}
