// The model's log-probabilities for every position of a token sequence, read in one forward pass
// (the whole sequence at once, as training reads it): an outside check of decoding, which reads the
// prompt once and then steps one token at a time with the state carried.
import { type ModelFiles, modelFromFiles } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';

/** Row i: log-softmax(logits / temperature) of the token after ids[0..i]. */
export async function teacherForced(
  files: ModelFiles,
  ids: readonly number[],
  temperature = 1,
): Promise<Float32Array[]> {
  const { model } = await modelFromFiles(files, { backend: 'cpu' });
  try {
    const rows = tf.tidy(() => {
      const tokens = tf.tensor2d([Array.from(ids)], [1, ids.length], 'int32');
      const { output } = model.forward({ tokens });
      const logits = tf.reshape(output, [ids.length, -1]);
      return tf.logSoftmax(tf.div(logits, temperature));
    });
    const data = (await rows.data()) as Float32Array;
    const size = rows.shape[1] as number;
    rows.dispose();
    return Array.from({ length: ids.length }, (_, i) => data.slice(i * size, (i + 1) * size));
  } finally {
    model.dispose();
  }
}
