// W5: one 1024 x 1024 x 1024 tf.matMul on the backend, the practical ceiling of its arithmetic.
// tfjs-layers has no separate W5 (it calls the same tf.matMul); PyTorch is the reference.
import * as tf from '@tensorflow/tfjs-core';
import type { Competitor } from '../measure.js';
import type { Workload } from './workload.js';

const n = 1024;
const gigaflop = (2 * n ** 3) / 1e9;

async function matMul(): Promise<Competitor> {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 4);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 5);
  const run = async () => {
    const corner = tf.tidy(() => tf.slice(tf.matMul(a, b), [0, 0], [1, 1]));
    // Reading one element waits for the product without timing a 4 MB read-back.
    await corner.data();
    corner.dispose();
  };
  return { run, dispose: () => tf.dispose([a, b]) };
}

export const matrixProduct: Workload = {
  id: 'W5',
  title: 'W5 matMul 1024^3',
  unit: 'GFLOP/s',
  higherIsBetter: true,
  metric: (seconds) => gigaflop / seconds,
  ours: matMul,
  layersTrainsEmbedding: false,
};
