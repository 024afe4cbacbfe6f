// Which built files hold which backend, read from the e2e build's assets by what they contain
// (file names carry hashes): the tests check that a page training on one backend fetched its
// chunk and none of the others'.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where global-setup.ts builds the app (inside node_modules: ignored by git and the linters). */
export const e2eOutDir = fileURLToPath(new URL('../node_modules/.e2e-dist', import.meta.url));

export interface BackendChunks {
  /** @recurrent/backend-cpu with tfjs-backend-cpu (its plug-in is named "cpu"). */
  cpu: string[];
  /** @recurrent/backend-wasm with tfjs-backend-wasm's JavaScript (it calls setWasmPaths). */
  wasm: string[];
  /** tfjs-backend-webgpu's kernels (they name GPUBufferUsage), loaded by the webgpu init only. */
  webgpuKernels: string[];
  /** The three tfjs-backend-wasm binaries; a browser fetches one. */
  wasmBinaries: { plain: string; simd: string; threadedSimd: string };
}

export function backendChunks(): BackendChunks {
  const assets = join(e2eOutDir, 'assets');
  const files = readdirSync(assets);
  // The app's scripts, not those of the e2e-only pages (pages/*.html, built alongside), nor those
  // of the data-parallel gradient worker (a bundle of its own, with its own backend chunks).
  const all = files.filter((f) => f.endsWith('.js') && !f.startsWith('webgpu-step-'));
  const text = new Map(all.map((f) => [f, readFileSync(join(assets, f), 'utf8')]));
  const gradientOnly = gradientWorkerScripts(all, text);
  const scripts = all.filter((f) => !gradientOnly.has(f));
  const holding = (marker: string) =>
    scripts.filter((f) => (text.get(f) as string).includes(marker));
  const binary = (prefix: string) => {
    const found = files.find((f) => new RegExp(`^${prefix}-[\\w-]{8}\\.wasm$`).test(f));
    if (!found) throw new Error(`no ${prefix}-<hash>.wasm in ${assets}`);
    return found;
  };
  const chunks = {
    cpu: holding('name:"cpu"'),
    wasm: holding('setWasmPaths'),
    webgpuKernels: holding('GPUBufferUsage'),
    wasmBinaries: {
      plain: binary('tfjs-backend-wasm'),
      simd: binary('tfjs-backend-wasm-simd'),
      threadedSimd: binary('tfjs-backend-wasm-threaded-simd'),
    },
  };
  for (const [name, list] of Object.entries(chunks)) {
    if (Array.isArray(list) && list.length === 0) throw new Error(`no ${name} chunk in ${assets}`);
  }
  return chunks;
}

/** The scripts `entries` load: themselves and, transitively, every script their code names. */
function reachable(
  entries: readonly string[],
  all: readonly string[],
  text: ReadonlyMap<string, string>,
  skip: (file: string) => boolean,
): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const code = text.get(file) as string;
    for (const other of all) if (!skip(other) && code.includes(other)) queue.push(other);
  }
  return seen;
}

/** The scripts only the gradient worker (gradient-worker-*.js) loads, not the page or its worker. */
function gradientWorkerScripts(
  all: readonly string[],
  text: ReadonlyMap<string, string>,
): Set<string> {
  const isGradient = (f: string) => f.startsWith('gradient-worker-');
  const app = reachable(
    all.filter((f) => f.startsWith('index-')),
    all,
    text,
    isGradient,
  );
  const gradient = reachable(all.filter(isGradient), all, text, () => false);
  return new Set([...gradient].filter((f) => !app.has(f)));
}
