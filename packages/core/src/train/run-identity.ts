// What a training run is, for its checkpoint: the spec, the data, the thread count, the backend
// and the package versions. A checkpoint resumes only the run that wrote it; anything else would
// silently mix two runs (other data, other dropout masks per thread, other arithmetic).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from '../io/sha256.js';

export interface RunIdentity {
  /** sha256 of the spec's JSON (with defaults applied). */
  spec: string;
  /** sha256 of the data's fingerprint (the task's, or its JSON). */
  data: string;
  /** Threads each batch is split over (1: no data parallelism). */
  threads: number;
  backend: string;
  /** "name@version" of core, tfjs-core and the task's package. */
  packages: string[];
}

export interface RunIdentityInput {
  spec: unknown;
  /** The data as a string that changes whenever it does (e.g. its JSON). */
  data: string;
  threads: number;
  backend: string;
  /** Module URLs whose packages' versions belong to the identity (the task plug-in's module). */
  modules?: readonly (string | URL)[];
}

const require = createRequire(import.meta.url);

/** "name@version" of the package holding the module at `url`, or undefined for a non-file URL. */
export function packageOf(url: string | URL): string | undefined {
  const href = String(url);
  if (!href.startsWith('file:')) return undefined;
  let dir = dirname(fileURLToPath(href));
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (json.name) return `${json.name}@${json.version ?? '0.0.0'}`;
    } catch {
      // no package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function tfjsCoreVersion(): string {
  const json = JSON.parse(
    readFileSync(require.resolve('@tensorflow/tfjs-core/package.json'), 'utf8'),
  ) as { version: string };
  return `@tensorflow/tfjs-core@${json.version}`;
}

export async function runIdentity(input: RunIdentityInput): Promise<RunIdentity> {
  const packages = [
    packageOf(import.meta.url),
    tfjsCoreVersion(),
    ...(input.modules ?? []).map(packageOf),
  ].filter((p): p is string => p !== undefined);
  return {
    spec: await sha256Hex(JSON.stringify(input.spec)),
    data: await sha256Hex(input.data),
    threads: input.threads,
    backend: input.backend,
    packages: [...new Set(packages)],
  };
}

/** How `saved` differs from `current`, one phrase per field (empty when they are the same run). */
export function identityDifferences(saved: Partial<RunIdentity>, current: RunIdentity): string[] {
  const differences: string[] = [];
  if (saved.spec !== current.spec) differences.push('another spec');
  if (saved.data !== current.data) differences.push('other data');
  if (saved.threads !== current.threads) {
    differences.push(
      `${saved.threads} thread${saved.threads === 1 ? '' : 's'} (this run has ${current.threads}; a run continues only on the thread count it started with: each thread draws its own dropout masks)`,
    );
  }
  if (saved.backend !== current.backend) {
    differences.push(`backend ${saved.backend} (this run uses ${current.backend})`);
  }
  const savedPackages = (saved.packages ?? []).join(', ');
  if (savedPackages !== current.packages.join(', ')) {
    differences.push(`packages ${savedPackages || 'unknown'} (now ${current.packages.join(', ')})`);
  }
  return differences;
}
