// The playground's Vite config. Workspace packages resolve to their TypeScript source through the
// `@recurrent/source` export condition, so `pnpm playground` needs no prior `pnpm build`; the
// production build bundles them. The worker is an ES module worker (it imports the tasks and,
// lazily, the chosen backend).
import { defineConfig } from 'vite';

// WASM threads need SharedArrayBuffer, which browsers only give a cross-origin-isolated page.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const conditions = ['@recurrent/source', 'browser', 'module', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  worker: {
    format: 'es',
    // The worker bundle resolves packages as the page does (Vite's worker build has its own
    // plugin pipeline, but `resolve` applies to both).
  },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: {
    target: 'es2022',
    outDir: 'dist',
    // tfjs-backend-wasm's .wasm files are imported with `?url` and are several MB: keep them as
    // files, never inlined.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    chunkSizeWarningLimit: 2000,
  },
});
