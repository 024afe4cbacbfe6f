// What a workload is to the runner: how to build each competitor on the active backend, and how
// seconds per run become the workload's metric (the same conversion for us, tfjs-layers, PyTorch).
import type { Competitor } from '../measure.js';

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6';

export interface WorkloadContext {
  /** The backend plug-in now active; compile() must be pinned to it (its default is "auto"). */
  backend: string;
}

export interface Workload {
  id: WorkloadId;
  title: string;
  unit: string;
  higherIsBetter: boolean;
  /** Workload metric from seconds per run. */
  metric: (seconds: number) => number;
  ours: (context: WorkloadContext) => Promise<Competitor>;
  /**
   * Undefined where tfjs-layers has no counterpart (W5). The runner wraps its runs (stock kernels,
   * embedding gradient): see stock-kernels.ts and layers-embedding.ts.
   */
  layers?: () => Promise<Competitor>;
  /** Whether tfjs-layers trains an embedding here (so the gather gradient matters). */
  layersTrainsEmbedding: boolean;
}
