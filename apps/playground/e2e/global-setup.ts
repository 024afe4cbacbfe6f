// Builds the playground once (the production build, plus the e2e-only pages under e2e/pages) and
// serves it with `vite preview`, which sends the COOP/COEP headers of the app's vite.config.ts,
// so the page is cross-origin isolated and WASM runs with threads. Tests get the URL by
// `inject('baseUrl')`.
//
// E2E_REUSE_BUILD=1 serves the previous build as it is (for iterating on the tests only).
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';
import { requireChromium } from './chromium.ts';
import { e2eOutDir } from './chunks.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const configFile = join(appRoot, 'vite.config.ts');

export default async function setup(project: TestProject) {
  requireChromium();
  if (!(process.env.E2E_REUSE_BUILD && existsSync(join(e2eOutDir, 'index.html')))) {
    const started = performance.now();
    await build({
      root: appRoot,
      configFile,
      logLevel: 'warn',
      build: {
        outDir: e2eOutDir,
        emptyOutDir: true,
        reportCompressedSize: false,
        rollupOptions: {
          input: {
            index: join(appRoot, 'index.html'),
            'webgpu-step': join(appRoot, 'e2e/pages/webgpu-step.html'),
          },
        },
      },
    });
    console.log(`playground e2e: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const server = await preview({
    root: appRoot,
    configFile,
    logLevel: 'warn',
    build: { outDir: e2eOutDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  const address = server.httpServer.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  project.provide('baseUrl', baseUrl);
  return async () => {
    await server.close();
  };
}
