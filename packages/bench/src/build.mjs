// Bundles the benchmark with esbuild so that every package (ours, tfjs-layers, the tfjs backends)
// shares one ESM copy of tfjs-core, which can then register all of tfjs's own gradients: the
// reference, tfjs-layers, needs them to train, and plain Node cannot load them (TOOLCHAIN.md).
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const outdir = new URL('../.bench/', import.meta.url).pathname;

/**
 * A backend plug-in package that cannot be bundled (being rewritten: a file missing, a syntax
 * error) becomes a module that throws when imported: the bench then reports that backend as
 * skipped and measures the others, instead of failing to build. `broken` maps a package name to
 * its build error; packages that do not resolve at all are added here too.
 */
function tolerateBrokenBackends(broken) {
  return {
    name: 'tolerate-broken-backends',
    setup(b) {
      b.onResolve({ filter: /^@recurrent\/backend-[a-z]+$/ }, async (args) => {
        if (args.pluginData === 'retry') return undefined;
        if (broken.has(args.path)) {
          return {
            path: args.path,
            namespace: 'broken-backend',
            pluginData: broken.get(args.path),
          };
        }
        const result = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: 'retry',
        });
        if (result.errors.length === 0) return result;
        return { path: args.path, namespace: 'broken-backend', pluginData: result.errors[0].text };
      });
      b.onLoad({ filter: /.*/, namespace: 'broken-backend' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} could not be bundled: ${args.pluginData}`)});`,
        loader: 'js',
      }));
    },
  };
}

/** The backend packages that build errors point into, with the first error of each. */
function brokenBackends(error) {
  const found = new Map();
  for (const e of error.errors ?? []) {
    // esbuild reports paths relative to the working directory.
    const match = /\/packages\/(backend-[a-z]+)\//.exec(resolve(e.location?.file ?? ''));
    if (!match) return undefined; // an error elsewhere: not ours to work around
    const name = `@recurrent/${match[1]}`;
    if (!found.has(name)) found.set(name, `${e.location.file}:${e.location.line}: ${e.text}`);
  }
  return found.size > 0 ? found : undefined;
}

/**
 * Modules a plug-in loads by a computed relative specifier (so that browser bundlers skip them):
 * @recurrent/backend-webgpu's Node-only ./dawn.js. They become entries of their own, next to the
 * bundle, where that specifier finds them; code splitting keeps one instance of shared modules.
 */
function computedImports(broken) {
  const entries = {};
  if (broken.has('@recurrent/backend-webgpu')) return entries;
  try {
    const pkg = createRequire(import.meta.url).resolve('@recurrent/backend-webgpu/package.json');
    const dawn = join(dirname(pkg), 'src', 'dawn.ts');
    if (existsSync(dawn)) entries.dawn = dawn;
  } catch {
    // Not installed: nothing to add.
  }
  return entries;
}

// Old chunks go (their names carry hashes); results.json stays.
for (const file of existsSync(outdir) ? readdirSync(outdir) : []) {
  if (/\.m?js$/.test(file)) rmSync(join(outdir, file));
}
const bundle = (broken) =>
  build({
    entryPoints: { run: new URL('./run.ts', import.meta.url).pathname, ...computedImports(broken) },
    outdir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    conditions: ['@recurrent/source'],
    logLevel: broken.size === 0 ? 'silent' : 'warning',
    plugins: [tolerateBrokenBackends(broken)],
    banner: {
      // CommonJS dependencies (tfjs-backend-wasm's Emscripten glue) use require and __dirname; the
      // imports are renamed apart from bundled modules' own.
      js: [
        "import { createRequire as createBundleRequire } from 'node:module';",
        "import { dirname as bundleDirname } from 'node:path';",
        "import { fileURLToPath as bundleFileURLToPath } from 'node:url';",
        'const require = createBundleRequire(import.meta.url);',
        'const __filename = bundleFileURLToPath(import.meta.url);',
        'const __dirname = bundleDirname(__filename);',
      ].join(' '),
    },
  });

try {
  // Silent, so that a recoverable failure does not print as one; warnings are printed below.
  const { warnings } = await bundle(new Map());
  for (const w of warnings)
    console.error(`bench build warning: ${w.location?.file ?? ''} ${w.text}`);
} catch (error) {
  const broken = brokenBackends(error);
  if (!broken) {
    for (const e of error.errors ?? []) console.error(e.location?.file ?? '', e.text);
    throw error;
  }
  for (const [name, why] of broken) console.error(`bench build: ${name} left out: ${why}`);
  await bundle(broken);
}
// The all-cores child (src/all-cores/child.ts) runs the BUILT packages, not a bundle: core's
// threads(n) starts worker threads that import core's task-worker module and the plug-ins by file
// URL. Only the bench's own modules are bundled; every package stays an import Node resolves (to
// dist/, which `pnpm bench` builds first).
await build({
  entryPoints: [new URL('./all-cores/child.ts', import.meta.url).pathname],
  outfile: join(outdir, 'all-cores.mjs'),
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
// Entries are .js (ESM: package.json says "type": "module") so that "./dawn.js" resolves; the
// script runs .bench/run.mjs.
writeFileSync(join(outdir, 'run.mjs'), "import './run.js';\n");

/**
 * Packages that bundled code loads at run time by a computed name (Dawn, a native addon, for
 * @recurrent/backend-webgpu) are resolved from .bench/run.mjs: link them into .bench/node_modules
 * from the package that depends on them.
 */
const runtimeOnly = [{ from: '@recurrent/backend-webgpu', name: 'webgpu' }];
for (const { from, name } of runtimeOnly) {
  const link = join(outdir, 'node_modules', name);
  rmSync(link, { force: true, recursive: true });
  try {
    const benchRequire = createRequire(import.meta.url);
    const owner = dirname(benchRequire.resolve(`${from}/package.json`));
    const target = dirname(
      createRequire(join(owner, 'package.json')).resolve(`${name}/package.json`),
    );
    if (!existsSync(target)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  } catch {
    // Not installed: that backend reports itself unavailable at run time.
  }
}
