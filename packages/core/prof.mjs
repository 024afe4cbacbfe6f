import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  Adam,
  compile,
  crossEntropyWithLogits,
  parameterGradients,
  registerBackend,
  useBackend,
} from './dist/index.js';

registerBackend({
  name: 'cpu',
  priority: 1,
  isAvailable: async () => ({ available: true }),
  init: async () => {
    await tf.setBackend('cpu');
  },
  describe: async () => ({}),
});
await useBackend('cpu');
const s = { vocab: 65, B: 32, T: 64 };
const model = await compile({
  version: 1,
  name: 'b',
  task: 'generation',
  input: { tokenizer: { type: 'char' } },
  layers: [
    { type: 'embedding', embeddingDim: 64, numEmbeddings: 65, paddingIdx: null },
    { type: process.argv[2] ?? 'lstm', hiddenSize: 256, numLayers: 2 },
    { type: 'dense', units: 65 },
  ],
  training: { optimizer: { type: 'adam' } },
});
const x = tf.cast(tf.floor(tf.randomUniform([32, 64], 0, 65)), 'int32'),
  y = tf.cast(tf.floor(tf.randomUniform([32, 64], 0, 65)), 'int32');
const adam = new Adam();
const step = () => {
  const { value, grads } = parameterGradients(model.parameters(), () =>
    crossEntropyWithLogits(
      tf.reshape(model.forward(x, { training: true }).output, [-1, 65]),
      tf.reshape(y, [-1]),
    ),
  );
  adam.step(grads);
  value.dataSync();
  tf.dispose([value, ...grads.values()]);
};
step();
const info = await tf.profile(step);
const by = new Map();
for (const k of info.kernels) {
  const e = by.get(k.name) ?? { ms: 0, n: 0 };
  e.ms += await k.kernelTimeMs;
  e.n++;
  by.set(k.name, e);
}
const total = [...by.values()].reduce((a, b) => a + b.ms, 0);
console.log('total kernel ms', total.toFixed(0));
for (const [n, e] of [...by.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 18))
  console.log(n.padEnd(20), e.ms.toFixed(0).padStart(7), 'ms', String(e.n).padStart(6), 'calls');
