// tfjs-layers trains its Embedding through tf.gather, whose stock gradient is UnsortedSegmentSum:
// tfjs-backend-wasm has no such kernel (training fails), and the cpu one is O(vocabulary x tokens
// x dim) (W2: > 280 s per step). BENCHMARKS.md asks to give tfjs-layers the embedding gradient we
// use ourselves and to say so: @recurrent/backend-wasm's UnsortedSegmentSum kernel where it adds
// one, else the scatter-add our embedding uses. The override is swapped in only around tfjs-layers'
// own steps (tfjs reads a kernel's gradient when it records the op), so Recurrent is unaffected.
import * as tf from '@tensorflow/tfjs-core';
import { isStockKernel } from './stock-kernels.js';

const gatherKernel = 'GatherV2';

/** The GatherV2 gradient as a scatter-add (as Recurrent's embedding), for axis 0 without batch dims. */
function scatterAddGatherGradient(stock: tf.GradConfig | undefined): tf.GradConfig {
  return {
    kernelName: gatherKernel,
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, saved, attrs) => {
      const [x, indices] = saved as [tf.Tensor, tf.Tensor];
      if ((attrs.axis !== 0 && attrs.axis !== -x.rank) || attrs.batchDims) {
        if (!stock) throw new Error('no gather gradient for this axis');
        return stock.gradFunc(dy, saved, attrs);
      }
      const rows = tf.reshape(indices, [-1]);
      return {
        x: () =>
          tf.scatterND(
            tf.expandDims(rows, 1),
            tf.reshape(dy as tf.Tensor, [rows.size, ...x.shape.slice(1)]),
            x.shape,
          ),
        indices: () => tf.zerosLike(indices),
      };
    },
  };
}

export type EmbeddingGradient = 'stock' | 'UnsortedSegmentSum kernel' | 'scatter-add';

/** How tfjs-layers' embedding is trained on `backend` in workload `id`, and why. */
export function layersEmbeddingGradient(
  backend: string,
  id: string,
): { gradient: EmbeddingGradient; why: string } {
  if (!tf.getKernel('UnsortedSegmentSum', backend)) {
    return {
      gradient: 'scatter-add',
      why: `${backend} has no UnsortedSegmentSum kernel: stock tfjs-layers cannot train an embedding there`,
    };
  }
  if (isStockKernel(backend, 'UnsortedSegmentSum') === false) {
    return {
      gradient: 'UnsortedSegmentSum kernel',
      why: `tfjs-backend-${backend} has none (stock tfjs-layers cannot train an embedding there); @recurrent/backend-${backend} adds it`,
    };
  }
  if (id === 'W2' && backend === 'cpu') {
    return {
      gradient: 'scatter-add',
      why: "tfjs-backend-cpu's UnsortedSegmentSum is O(vocabulary x tokens x dim): > 280 s per W2 step",
    };
  }
  return { gradient: 'stock', why: "tfjs's gather gradient (UnsortedSegmentSum)" };
}

/** Runs `step` (a tfjs-layers training step) with the scatter-add gather gradient registered. */
export async function withScatterAddGather<T>(step: () => Promise<T>): Promise<T> {
  const stock = tf.getGradient(gatherKernel);
  tf.registerGradient(scatterAddGatherGradient(stock));
  try {
    return await step();
  } finally {
    if (stock) tf.registerGradient(stock);
    else tf.unregisterGradient(gatherKernel);
  }
}
