// Is native TensorFlow usable here? Says which package is missing, or why the installed one does
// not load, with the fix; loads at most one of tfjs-node / tfjs-node-gpu per process.
import * as tf from '@tensorflow/tfjs-core';
import {
  cpuPackage,
  gpuPackage,
  type NodePackage,
  ourTfjsCore,
  type TfjsNodeLoader,
  type TfjsNodeModule,
} from './tfjs-node.js';

export type Probe =
  | { ok: true; package: NodePackage; module: TfjsNodeModule }
  | { ok: false; reason: string };

/** tfjs-node 4.22's install script downloads libtensorflow 2.9.1 from here. */
const download =
  'its install script downloads libtensorflow and needs network access to storage.googleapis.com ' +
  '(or a mirror named in TFJS_NODE_CDN_STORAGE)';
const cuda = 'Linux x64 with CUDA 11.2 and cuDNN 8.1 (libtensorflow 2.9.1)';

/** Which packages `gpu` allows, preferred first: unset takes tfjs-node-gpu when it is installed. */
export function candidates(gpu: boolean | undefined): NodePackage[] {
  if (gpu === true) return [gpuPackage];
  if (gpu === false) return [cpuPackage];
  return [gpuPackage, cpuPackage];
}

function notInstalled(gpu: boolean | undefined): string {
  if (gpu === true) {
    return `${gpuPackage} not installed: run \`npm install ${gpuPackage}@4.22.0\` (needs ${cuda}); ${download}`;
  }
  const alternative = gpu === undefined ? ` (or ${gpuPackage}@4.22.0 for CUDA)` : '';
  return `${cpuPackage} not installed: run \`npm install ${cpuPackage}@4.22.0\`${alternative}; ${download}`;
}

function loadFailure(name: NodePackage, error: unknown): string {
  // tfjs-node's own message spans lines; one line reads better inside ours.
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
  const cudaHint = name === gpuPackage ? `; ${gpuPackage} also needs ${cuda}` : '';
  return (
    `${name} is installed but failed to load: ${message.trim()} — its native addon or ` +
    `libtensorflow is missing or broken, usually because its install script did not run: run ` +
    `\`npm rebuild ${name}\` (pnpm skips install scripts until allowed: \`pnpm approve-builds\`, ` +
    `then \`pnpm rebuild ${name}\`); ${download}${cudaHint}`
  );
}

function otherCopy(name: NodePackage, loader: TfjsNodeLoader, module: TfjsNodeModule): string {
  const theirs = module.version?.['tfjs-core'] ?? 'unknown version';
  const where = (path: string | undefined) => (path ? ` at ${path}` : '');
  return (
    `${name} loaded but registered its "tensorflow" backend with another copy of ` +
    `@tensorflow/tfjs-core (${theirs}${where(loader.tfjsCoreOf(name))}) than Recurrent uses ` +
    `(${tf.version_core}${where(ourTfjsCore())}): install one copy, version 4.22.0 everywhere ` +
    '(`npm dedupe`, or pnpm `overrides` / `pnpm dedupe`)'
  );
}

/**
 * Loads `name` for the probe. tfjs-node makes "tensorflow" the active tfjs backend when it loads;
 * the backend active before is restored, since asking whether a backend is available must not
 * move running models elsewhere.
 */
async function load(name: NodePackage, loader: TfjsNodeLoader): Promise<Probe> {
  const previous = tf.getBackend();
  let module: TfjsNodeModule;
  try {
    module = loader.load(name);
  } catch (error) {
    return { ok: false, reason: loadFailure(name, error) };
  }
  if (!tf.findBackendFactory('tensorflow')) {
    return { ok: false, reason: otherCopy(name, loader, module) };
  }
  if (previous && previous !== tf.getBackend()) await tf.setBackend(previous);
  return { ok: true, package: name, module };
}

/** Probes per choice of package; a process can hold only one of them. */
export function createProber(loader: TfjsNodeLoader) {
  const loaded = new Map<NodePackage, Promise<Probe>>();
  return (gpu: boolean | undefined): Promise<Probe> => {
    const name = candidates(gpu).find((p) => loader.resolve(p) !== undefined);
    if (!name) return Promise.resolve({ ok: false, reason: notInstalled(gpu) });
    const other = [...loaded.keys()].find((p) => p !== name);
    if (other) {
      return Promise.resolve({
        ok: false,
        reason: `${other} is already loaded in this process and ${name} cannot load beside it (both register "tensorflow"): restart the process to switch`,
      });
    }
    let probe = loaded.get(name);
    if (!probe) {
      probe = load(name, loader);
      loaded.set(name, probe);
    }
    return probe;
  };
}
