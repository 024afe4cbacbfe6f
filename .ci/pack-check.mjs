#!/usr/bin/env node
// pack-check: checks that what we would publish to npm actually works once installed.
//
// For every public workspace package (no `"private": true`) it:
//   1. runs `pnpm pack` into `.pack-check/` at the repo root (gitignored), so pnpm applies
//      `publishConfig` and rewrites `workspace:` ranges exactly as `pnpm publish` would;
//   2. reads the tarball and checks its package.json: no `workspace:`/`catalog:` ranges left,
//      no `@recurrent/source` export condition (that one points at src/, which isn't shipped),
//      and every file named by `exports`, `bin`, `main`/`module`/`types` is in the tarball;
//   3. `npm install`s all tarballs together into a scratch project in the OS temp dir (third-party
//      deps come from the npm registry) and checks each of our packages came from its tarball;
//   4. from that project, imports every `exports` entry point in a child `node` process and runs
//      every installed bin with `--help` and `--version` (which must print the package version);
//   5. checks that optional peers stay optional: Dawn (npm `webgpu`, ~130 MB) is not installed with
//      the CLI, and the installed `recurrent backends` says how to add it.
//
// It does not build anything: run it after `pnpm build` (`pnpm pack-check` does both).
// Prints one line per check and `pack-check: N passed, N failed`; exits 1 if anything failed.
// Usage: node .ci/pack-check.mjs [--keep] [package-name...]
//   --keep leaves the temp dirs for inspection; names restrict the check to those packages
//   (include their @recurrent/* dependencies too, or npm will look for them on the registry).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACK_DIR = join(ROOT, '.pack-check');
const SOURCE_CONDITION = '@recurrent/source';
const DEP_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
const KEEP = process.argv.includes('--keep');
const ONLY = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));

// ---------------------------------------------------------------------------------------------
// Reporting

const results = { passed: 0, failed: 0 };

function report(ok, pkgName, check, detail = '') {
  results[ok ? 'passed' : 'failed'] += 1;
  const suffix = detail ? ` (${detail})` : '';
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${pkgName}: ${check}${suffix}`);
  return ok;
}

function skip(pkgName, check, why) {
  console.log(`skip  ${pkgName}: ${check} (${why})`);
}

/** A child's output boiled down to one line for a FAIL detail: its first `...Error: ...` line
 *  if it has one (skipping Node's stack-trace preamble), else its last few lines. */
function summarize(text, lines = 5) {
  const kept = String(text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const errorLine = kept.find((line) => /^[A-Za-z]*Error\b/.test(line));
  return errorLine ?? (kept.slice(-lines).join(' | ') || 'no output');
}

// ---------------------------------------------------------------------------------------------
// Child processes

function run(command, args, { cwd = ROOT, timeout = 120_000 } = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
  // `failure` is a one-line description for FAIL lines: how it ended, plus the gist of its output
  const failure = output.trim() ? `${why}: ${summarize(output)}` : why;
  return { ok: result.status === 0, stdout: result.stdout ?? '', failure };
}

// ---------------------------------------------------------------------------------------------
// Workspace discovery and packing

function listPublicPackages() {
  const ls = run('pnpm', ['-r', 'ls', '--json', '--depth', '-1']);
  if (!ls.ok) throw new Error(`pnpm -r ls failed: ${ls.failure}`);
  return JSON.parse(ls.stdout)
    .filter((pkg) => !pkg.private && pkg.path !== ROOT)
    .filter((pkg) => ONLY.length === 0 || ONLY.includes(pkg.name))
    .map((pkg) => ({ name: pkg.name, version: pkg.version, dir: pkg.path }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Packs one package into its own empty directory and returns the tarball path. */
function packPackage(pkg) {
  const dest = join(PACK_DIR, pkg.name.replace('@', '').replace('/', '__'));
  mkdirSync(dest, { recursive: true });
  const pack = run('pnpm', ['pack', '--pack-destination', dest], { cwd: pkg.dir });
  const tarballs = readdirSync(dest).filter((file) => file.endsWith('.tgz'));
  if (!pack.ok || tarballs.length !== 1) {
    report(false, pkg.name, 'pnpm pack', pack.failure);
    return null;
  }
  report(true, pkg.name, 'pnpm pack', tarballs[0]);
  return join(dest, tarballs[0]);
}

// ---------------------------------------------------------------------------------------------
// Reading a .tgz (npm tarballs are gzipped ustar, entries under `package/`)

/** Returns a Map from file path (relative to the package root) to its contents. */
function readTarball(tgzPath) {
  const tar = gunzipSync(readFileSync(tgzPath));
  const files = new Map();
  let offset = 0;
  let longName = null; // from a preceding pax (`x`) or GNU (`L`) header
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start, length) =>
      header.toString('utf8', start, start + length).replace(/\0[\s\S]*$/, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x' || type === 'L') {
      longName = type === 'L' ? body.toString('utf8').replace(/\0[\s\S]*$/, '') : paxPath(body);
      continue;
    }
    longName = null;
    if (type === '0' || type === '7') files.set(name.split('/').slice(1).join('/'), body);
  }
  return files;
}

function paxPath(body) {
  const match = /^\d+ path=(.*)$/m.exec(body.toString('utf8'));
  return match ? match[1] : null;
}

// ---------------------------------------------------------------------------------------------
// Manifest checks

/** `workspace:`/`catalog:` ranges that pnpm should have replaced with real versions. */
function unresolvedRanges(manifest) {
  const found = [];
  for (const field of DEP_FIELDS) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|catalog):/.test(range)) found.push(`${field}.${dep}=${range}`);
    }
  }
  return found;
}

/** JSON paths of every object key equal to `key`, anywhere in `value`. */
function findKeys(value, key, path = '') {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const here = path ? `${path}[${k}]` : k;
    return [...(k === key ? [here] : []), ...findKeys(v, key, here)];
  });
}

/** Every file path the manifest points at, as { from, file } (file relative, no `./`). */
function referencedFiles(manifest) {
  const refs = [];
  const add = (from, target) => {
    if (typeof target === 'string') refs.push({ from, file: posix.normalize(target) });
  };
  const walkExports = (target, from) => {
    if (typeof target === 'string') add(from, target);
    else if (target && typeof target === 'object') {
      for (const [key, value] of Object.entries(target)) walkExports(value, `${from}[${key}]`);
    }
  };
  walkExports(manifest.exports, 'exports');
  for (const field of ['main', 'module', 'types', 'typings']) add(field, manifest[field]);
  if (typeof manifest.bin === 'string') add('bin', manifest.bin);
  for (const [name, file] of Object.entries(manifest.bin ?? {})) add(`bin[${name}]`, file);
  return refs;
}

/** Whether `file` (possibly an exports `*` pattern) matches something in the tarball. */
function existsInTarball(files, file) {
  if (!file.includes('*')) return files.has(file);
  const escaped = file.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.+');
  const pattern = new RegExp(`^${escaped}$`);
  return [...files.keys()].some((path) => pattern.test(path));
}

function checkManifest(pkg, files) {
  const manifestBytes = files.get('package.json');
  if (!report(Boolean(manifestBytes), pkg.name, 'tarball has package.json')) return null;
  const manifest = JSON.parse(manifestBytes.toString('utf8'));

  const ranges = unresolvedRanges(manifest);
  report(ranges.length === 0, pkg.name, 'no workspace:/catalog: ranges', ranges.join(', '));

  const conditions = findKeys(manifest, SOURCE_CONDITION);
  report(
    conditions.length === 0,
    pkg.name,
    `no "${SOURCE_CONDITION}" condition`,
    conditions.join(', '),
  );

  const refs = referencedFiles(manifest);
  const missing = refs.filter((ref) => !existsInTarball(files, ref.file));
  const detail = missing.length
    ? `missing: ${missing.map((ref) => `${ref.from} -> ${ref.file}`).join(', ')} (is it built?)`
    : `${refs.length} checked`;
  report(missing.length === 0, pkg.name, 'files referenced by exports/bin/types exist', detail);
  return manifest;
}

// ---------------------------------------------------------------------------------------------
// Scratch install

function installTarballs(scratch, tarballs) {
  const manifest = { name: 'pack-check-scratch', version: '0.0.0', private: true, type: 'module' };
  writeFileSync(join(scratch, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const args = ['install', '--no-audit', '--no-fund', '--no-update-notifier', ...tarballs];
  const install = run('npm', args, { cwd: scratch, timeout: 600_000 });
  const detail = install.ok ? '' : install.failure;
  return report(install.ok, 'scratch', 'npm install of all tarballs', detail);
}

/** Each of our packages must be installed once, top-level, from its tarball (not the registry). */
function checkInstalledFromTarballs(scratch, packed) {
  const lock = JSON.parse(readFileSync(join(scratch, 'package-lock.json'), 'utf8'));
  for (const { pkg } of packed) {
    const copies = Object.entries(lock.packages ?? {}).filter(([path]) =>
      path.endsWith(`node_modules/${pkg.name}`),
    );
    const resolved = copies.map(([path, entry]) => `${path} <- ${entry.resolved ?? entry.version}`);
    const ok =
      copies.length === 1 &&
      copies[0][0] === `node_modules/${pkg.name}` &&
      String(copies[0][1].resolved).startsWith('file:');
    report(ok, pkg.name, 'installed once, from its tarball', ok ? '' : resolved.join(', '));
  }
}

// ---------------------------------------------------------------------------------------------
// Runtime checks

/** Export subpaths worth importing: skips ./package.json, `*` patterns and types-only entries. */
function importableSubpaths(manifest) {
  const { exports } = manifest;
  if (exports === undefined) return manifest.main ? ['.'] : [];
  const isSubpathMap =
    exports && typeof exports === 'object' && Object.keys(exports).some((k) => k.startsWith('.'));
  const entries = isSubpathMap ? Object.entries(exports) : [['.', exports]];
  return entries
    .filter(([subpath, target]) => subpath !== './package.json' && hasRuntimeTarget(target))
    .map(([subpath]) => subpath);
}

function hasRuntimeTarget(target) {
  if (typeof target === 'string') return !/\.d\.[cm]?ts$/.test(target);
  if (Array.isArray(target)) return target.some(hasRuntimeTarget);
  if (target && typeof target === 'object') {
    return Object.entries(target).some(
      ([key, value]) => key !== 'types' && hasRuntimeTarget(value),
    );
  }
  return false;
}

function checkImport(scratch, pkg, subpath) {
  const specifier = pkg.name + subpath.slice(1);
  if (subpath.includes('*')) return skip(pkg.name, `import ${specifier}`, 'subpath pattern');
  const options = subpath.endsWith('.json') ? ", { with: { type: 'json' } }" : '';
  const code = [
    `const m = await import(${JSON.stringify(specifier)}${options});`,
    `if (Object.keys(m).length === 0) throw new Error('no exports');`,
    'console.log(Object.keys(m).length);',
  ].join('\n');
  const child = run(process.execPath, ['--input-type=module', '-e', code], { cwd: scratch });
  const detail = child.ok ? `${child.stdout.trim()} exports` : child.failure;
  report(child.ok, pkg.name, `import('${specifier}')`, detail);
}

function binNames(manifest) {
  if (typeof manifest.bin === 'string') return [manifest.name.split('/').pop()];
  return Object.keys(manifest.bin ?? {});
}

function checkBin(scratch, pkg, manifest, name) {
  const bin = join(scratch, 'node_modules', '.bin', name);
  const help = run(bin, ['--help'], { cwd: scratch });
  const helpOk = help.ok && help.stdout.trim() !== '';
  report(helpOk, pkg.name, `${name} --help`, helpOk ? '' : help.failure);

  const version = run(bin, ['--version'], { cwd: scratch });
  const printed = version.stdout.trim();
  const words = printed.split(/\s+/).map((word) => word.replace(/^v/, ''));
  const versionOk = version.ok && words.includes(manifest.version);
  const detail = version.ok ? `printed "${printed}", want ${manifest.version}` : version.failure;
  report(versionOk, pkg.name, `${name} --version`, detail);
}

// ---------------------------------------------------------------------------------------------
// Optional peers: what a user gets without asking for WebGPU in Node

/** Packages that must not be installed unless the user adds them, and how the CLI says to. */
const OPTIONAL_PEERS = [{ name: 'webgpu', backend: 'webgpu', install: /npm install webgpu@\d/ }];

function checkOptionalPeers(scratch, packed) {
  const lock = JSON.parse(readFileSync(join(scratch, 'package-lock.json'), 'utf8'));
  const cli = packed.find(({ manifest }) => binNames(manifest).includes('recurrent'));
  for (const peer of OPTIONAL_PEERS) {
    const copies = Object.keys(lock.packages ?? {}).filter((path) =>
      path.endsWith(`node_modules/${peer.name}`),
    );
    report(
      copies.length === 0,
      'scratch',
      `optional peer "${peer.name}" is not installed`,
      copies.join(', '),
    );
    if (!cli) {
      skip('scratch', `recurrent backends names how to add "${peer.name}"`, 'no recurrent bin');
      continue;
    }
    const bin = join(scratch, 'node_modules', '.bin', 'recurrent');
    const listed = run(bin, ['backends', '--json'], { cwd: scratch });
    let status;
    try {
      status = JSON.parse(listed.stdout).backends.find((b) => b.name === peer.backend);
    } catch {
      status = undefined;
    }
    const ok = listed.ok && status?.available === false && peer.install.test(status.reason ?? '');
    const detail = listed.ok ? JSON.stringify(status?.reason ?? status) : listed.failure;
    report(ok, cli.pkg.name, `recurrent backends names how to add "${peer.name}"`, detail);
  }
}

// ---------------------------------------------------------------------------------------------

function main() {
  rmSync(PACK_DIR, { recursive: true, force: true });
  const scratch = mkdtempSync(join(tmpdir(), 'pack-check-'));
  try {
    const packages = listPublicPackages();
    if (packages.length === 0) throw new Error('no public packages found');
    console.log(`pack-check: ${packages.map((pkg) => pkg.name).join(', ')}`);

    const packed = [];
    for (const pkg of packages) {
      const tarball = packPackage(pkg);
      const manifest = tarball && checkManifest(pkg, readTarball(tarball));
      if (manifest) packed.push({ pkg, tarball, manifest });
    }
    if (
      packed.length === 0 ||
      !installTarballs(
        scratch,
        packed.map((p) => p.tarball),
      )
    ) {
      console.log('skip  runtime checks (nothing installed)');
    } else {
      checkInstalledFromTarballs(scratch, packed);
      for (const { pkg, manifest } of packed) {
        for (const subpath of importableSubpaths(manifest)) checkImport(scratch, pkg, subpath);
        for (const name of binNames(manifest)) checkBin(scratch, pkg, manifest, name);
      }
      checkOptionalPeers(scratch, packed);
    }
  } catch (error) {
    report(false, 'pack-check', 'ran to completion', error.message);
  } finally {
    if (KEEP) console.log(`kept ${PACK_DIR} and ${scratch}`);
    else {
      rmSync(PACK_DIR, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  console.log(`pack-check: ${results.passed} passed, ${results.failed} failed`);
  process.exitCode = results.failed > 0 ? 1 : 0;
}

main();
