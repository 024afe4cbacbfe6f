// Finding and loading @tensorflow/tfjs-node or -gpu, an optional peer dependency: never imported
// statically, so the plug-in installs and registers everywhere and loads TensorFlow only on demand.
import { createRequire } from 'node:module';

export const cpuPackage = '@tensorflow/tfjs-node';
export const gpuPackage = '@tensorflow/tfjs-node-gpu';
export type NodePackage = typeof cpuPackage | typeof gpuPackage;

/** The part of tfjs-node's exports the plug-in reads. */
export interface TfjsNodeModule {
  version?: Record<string, string>;
}

export interface TfjsNodeLoader {
  /** The package's entry file, or undefined when it is not installed. */
  resolve(name: NodePackage): string | undefined;
  /** Loads it: tfjs-node registers its "tensorflow" backend with tfjs-core as a side effect. */
  load(name: NodePackage): TfjsNodeModule;
  /** Where the package's own tfjs-core is, for the message when it is another copy than ours. */
  tfjsCoreOf(name: NodePackage): string | undefined;
}

const require = createRequire(import.meta.url);

function resolveFrom(from: string, name: string): string | undefined {
  try {
    return createRequire(from).resolve(name);
  } catch {
    return undefined;
  }
}

export const nodeModulesLoader: TfjsNodeLoader = {
  resolve(name) {
    try {
      return require.resolve(name);
    } catch (error) {
      if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
      throw error;
    }
  },
  // tfjs-node is CommonJS; require loads it synchronously, exactly as its own tests do.
  load: (name) => require(name) as TfjsNodeModule,
  tfjsCoreOf(name) {
    const entry = resolveFrom(import.meta.url, name);
    const tfjs = entry && resolveFrom(entry, '@tensorflow/tfjs');
    return tfjs && resolveFrom(tfjs, '@tensorflow/tfjs-core');
  },
};

/** Where our own tfjs-core is. */
export function ourTfjsCore(): string | undefined {
  return resolveFrom(import.meta.url, '@tensorflow/tfjs-core');
}
