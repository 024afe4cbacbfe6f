// The training part of a stream as B parallel streams read chunk by chunk, and the held-out end.
import '@recurrent/backend-cpu';
import { useBackend } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitStreams, streamBatches, TrainingTextError } from './streams.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('splitStreams', () => {
  it('holds out the last tenth of the tokens and cuts the rest into equal streams', () => {
    // 1001 tokens: 100 held out (901..1000), 901 inputs (0..900, the last predicting token 901,
    // which the held-out part reads only as context): 4 streams of 225, one input dropped.
    expect(splitStreams(1001, 10, 4, true, 'text')).toEqual({
      streams: 4,
      streamLength: 225,
      chunkLength: 10,
      batches: 23,
      trainTokens: 901,
      dropped: 1,
      heldOutStart: 901,
    });
    // Without holding out, every token but the last is an input: 1000 = 16 · 62 + 8.
    expect(splitStreams(1001, 10, 16, false, 'text')).toEqual({
      streams: 16,
      streamLength: 62,
      chunkLength: 10,
      batches: 7,
      trainTokens: 993,
      dropped: 8,
      heldOutStart: 1001,
    });
    // A short text still holds out 2 tokens: a context and a target.
    expect(splitStreams(12, 3, 3, true, 'text').heldOutStart).toBe(10);
  });

  it('refuses empty and short streams, saying how much is needed', () => {
    expect(() => splitStreams(0, 10, 4, true, 'the training text')).toThrow(
      new TrainingTextError('the training text is empty: there is nothing to train on'),
    );
    // 4 streams of 10 need 40 inputs; with a tenth held out, 44 tokens (44 - 4 = 40; 43 - 4 = 39
    // is one short).
    expect(() => splitStreams(43, 10, 4, true, 'x')).toThrow(
      'x has 43 tokens; training needs at least 44: 4 streams (training.batchSize) of 10 tokens (input.maxLength) or more, each token followed by the one it predicts, and the last tenth of the text held out for validation',
    );
    expect(splitStreams(44, 10, 4, true, 'x').streamLength).toBe(10);
    expect(() => splitStreams(40, 10, 4, false, 'x')).toThrow(
      'x has 40 tokens; training needs at least 41: 4 streams (training.batchSize) of 10 tokens (input.maxLength) or more, each token followed by the one it predicts',
    );
    expect(splitStreams(41, 10, 4, false, 'x').streamLength).toBe(10);
  });
});

describe('streamBatches', () => {
  // ids equal to positions, so every value says where it came from.
  const ids = Int32Array.from({ length: 120 }, (_, i) => i);

  it('reads every stream once, chunk by chunk, each row of a batch going on where the last stopped', () => {
    const before = tf.memory().numTensors;
    // 4 streams of 25 (ids 0..99 read, 1..100 predicted), chunks of 10: 10 + 10 + 5.
    const layout = splitStreams(101, 10, 4, false, 'text');
    expect(layout.streamLength).toBe(25);
    const data = streamBatches(ids, layout);
    expect(data.batchCount).toBe(3);
    const rows: number[][][] = [];
    for (let i = 0; i < data.batchCount; i++) {
      const batch = data.batch(i);
      const tokens = batch.inputs.tokens as tf.Tensor;
      expect(tokens.dtype).toBe('int32');
      const x = tokens.arraySync() as number[][];
      const y = Array.from(batch.targets.dataSync());
      const size = i < 2 ? 10 : 5;
      expect(tokens.shape).toEqual([4, size]);
      x.forEach((row, r) => {
        expect(y.slice(r * size, (r + 1) * size)).toEqual(row.map((v) => v + 1));
      });
      rows.push(x);
      tf.dispose([tokens, batch.targets]);
    }
    // Stream r is ids [25r, 25r + 25): batch by batch, row r reads it on.
    for (let r = 0; r < 4; r++) {
      const stream = rows.flatMap((x) => x[r] as number[]);
      expect(stream).toEqual(Array.from({ length: 25 }, (_, t) => 25 * r + t));
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
