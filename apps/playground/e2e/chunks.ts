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
  // The app's scripts, not those of the e2e-only pages (pages/*.html, built alongside).
  const scripts = files.filter((f) => f.endsWith('.js') && !f.startsWith('webgpu-step-'));
  const holding = (marker: string) =>
    scripts.filter((f) => readFileSync(join(assets, f), 'utf8').includes(marker));
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
