// Bundles the benchmark with esbuild so that every package (ours, tfjs-layers, the tfjs backend)
// shares one ESM copy of tfjs-core, which can then register all of tfjs's own gradients: the
// reference, tfjs-layers, needs them to train, and plain Node cannot load them (TOOLCHAIN.md).
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('./run.ts', import.meta.url).pathname],
  outfile: new URL('../.bench/run.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  mainFields: ['module', 'main'],
  conditions: ['@recurrent/source'],
  logLevel: 'warning',
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
});
