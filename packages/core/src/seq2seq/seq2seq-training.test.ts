// A Seq2seqModel trains with core's fit on a toy translation (each source sentence reversed and
// re-spelled in the target vocabulary): the loss goes down, nothing leaks, and the trained model
// saved as files loads back as the same encoder-decoder with the same outputs; damaged files
// are refused by name.
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  maxDifference,
  type Seq2seqOptions,
  seq2seqModel,
  sourceVocabulary,
  targetVocabulary,
} from '../../test/seq2seq-specs.js';
import { Random } from '../init/random.js';
import { modelFromFiles, modelToFiles } from '../io/model-files.js';
import { writeSafetensors } from '../io/safetensors.js';
import type { Model } from '../model/model.js';
import { fit } from '../train/fit.js';
import { Adam } from '../train/optimizer.js';
import type { Batch, TrainingData } from '../train/types.js';
import { seq2seqLoss } from './seq2seq-loss.js';
import { Seq2seqModel } from './seq2seq-model.js';

const BOS = 2;
const EOS = 3;
const rowsPerBatch = 8;

/** Source ids 4 … V−1; the target is the source reversed, each id mapped into the target vocabulary. */
function toyData(batches: number, seed: number, withMask = false): TrainingData {
  const random = new Random(seed);
  const prepared = Array.from({ length: batches }, () => {
    const sentences = Array.from({ length: rowsPerBatch }, () => {
      const length = 2 + Math.floor(random.next() * 4);
      return Array.from({ length }, () => 4 + Math.floor(random.next() * (sourceVocabulary - 4)));
    });
    return sentences;
  });
  return {
    batchCount: batches,
    batch(index: number, at?: { epoch: number }): Batch {
      const sentences = prepared[index] as number[][];
      const S = Math.max(...sentences.map((s) => s.length));
      const T = S + 1;
      const source = new Int32Array(rowsPerBatch * S);
      const target = new Int32Array(rowsPerBatch * T);
      const labels = new Int32Array(rowsPerBatch * T);
      const forcing = new Float32Array(rowsPerBatch * T).fill(1);
      sentences.forEach((sentence, b) => {
        source.set(sentence, b * S);
        const translated = [...sentence].reverse().map((id) => 4 + (id % (targetVocabulary - 4)));
        const out = [...translated, EOS];
        labels.set(out, b * T);
        target.set([BOS, ...out.slice(0, -1)], b * T);
        // In training, one row in four reads its own predictions from the second epoch on.
        if (withMask && at && at.epoch > 0 && b % 4 === 0) forcing.fill(0, b * T + 1, (b + 1) * T);
      });
      return {
        inputs: {
          source: tf.tensor2d(source, [rowsPerBatch, S], 'int32'),
          sourceLengths: sentences.map((s) => s.length),
          target: tf.tensor2d(target, [rowsPerBatch, T], 'int32'),
          targetLengths: sentences.map((s) => s.length + 1),
          ...(withMask && at ? { teacherForcing: tf.tensor2d(forcing, [rowsPerBatch, T]) } : {}),
        },
        targets: tf.tensor2d(labels, [rowsPerBatch, T], 'int32'),
        tokens: sentences.reduce((n, s) => n + s.length + 1, 0),
      };
    },
  };
}

async function train(options: Seq2seqOptions, withMask: boolean) {
  const model = await seq2seqModel({ encoderHidden: 16, ...options });
  const optimizer = new Adam({ lr: 0.02 });
  const result = await fit(model, toyData(6, 1, withMask), {
    epochs: 4,
    optimizer,
    loss: seq2seqLoss,
    seed: 3,
    clipNorm: 1,
    validation: toyData(2, 2),
  });
  optimizer.dispose();
  return { model, result };
}

describe('training a Seq2seqModel with fit', () => {
  const cases: Array<[string, Seq2seqOptions, boolean]> = [
    ['GRU + bahdanau, dropout, fully teacher-forced', { dropout: 0.1 }, false],
    [
      'LSTM + luong-general with input feeding, scheduled teacher forcing',
      { encoderCell: 'lstm', decoderCell: 'lstm', attention: 'luong-general', inputFeeding: true },
      true,
    ],
  ];
  for (const [name, options, withMask] of cases) {
    it(`${name}: the loss goes down and no tensor is left behind`, async () => {
      const before = tf.memory().numTensors;
      const { model, result } = await train(options, withMask);
      const losses = result.history.map((r) => r.trainLoss);
      const validation = result.history.map((r) => r.validationLoss as number);
      expect(losses[3]).toBeLessThan((losses[0] as number) * 0.8);
      expect(validation[3]).toBeLessThan(validation[0] as number);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }, 60_000);
  }
});

describe('model files of a Seq2seqModel', () => {
  const options: Seq2seqOptions = {
    encoderCell: 'lstm',
    bidirectional: true,
    decoderCell: 'lstm',
    attention: 'luong-concat',
    attentionSize: 5,
    inputFeeding: true,
    bridge: 'dense',
    decoderHidden: 7,
  };

  it('round-trip: the same encoder-decoder, sizes, parameters and outputs', async () => {
    const { model } = await train(options, false);
    const files = await modelToFiles(model, { note: 'toy' });
    const before = tf.memory().numTensors;
    const { model: loaded, metadata } = await modelFromFiles(files);
    expect(loaded).toBeInstanceOf(Seq2seqModel);
    expect(metadata).toEqual({ note: 'toy' });
    expect(loaded.sizes).toEqual({
      vocabularySize: sourceVocabulary,
      outputSize: targetVocabulary,
    });
    const shapes = (m: Model) => m.parameters().map((p) => [p.name, p.variable.shape]);
    expect(shapes(loaded)).toEqual(shapes(model));
    const batch = toyData(1, 9).batch(0);
    const outputs = (m: Model) =>
      tf.tidy(() => Array.from(m.forward(batch.inputs).output.dataSync()));
    expect(maxDifference(outputs(loaded), outputs(model))).toBe(0);
    tf.dispose(Object.values(batch.inputs).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
    batch.targets.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 60_000);

  it('refuses weights whose names or shapes do not fit, building nothing', async () => {
    const model = await seq2seqModel(options);
    const files = await modelToFiles(model);
    const rewrite = (change: (name: string, shape: number[]) => [string, number[]]) => {
      const tensors = Object.fromEntries(
        model.parameters().map((p) => {
          const [name, shape] = change(p.name, [...p.variable.shape]);
          const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
          return [name, { dtype: 'F32' as const, shape, data }];
        }),
      );
      const bytes = writeSafetensors(tensors, { format: 'pt' });
      const json = JSON.parse(files['model.json']);
      json.weights.bytes = bytes.byteLength;
      json.weights.sha256 = createHash('sha256').update(bytes).digest('hex');
      return { 'model.json': JSON.stringify(json), 'weights.safetensors': bytes };
    };
    const cases: Array<[ReturnType<typeof rewrite>, string]> = [
      [
        rewrite((n, s) => [n, n === 'decoder.attention.W.weight' ? [5, 10] : s]),
        'shape mismatch for "decoder.attention.W.weight": the file has [5, 10], the model needs [5, 19]',
      ],
      [
        rewrite((n, s) => [n === 'decoder.bridge.c.bias' ? 'decoder.bridge.c.b' : n, s]),
        'decoder.bridge.c.bias',
      ],
    ];
    const before = tf.memory().numTensors;
    for (const [damaged, message] of cases) {
      const error = await modelFromFiles(damaged).catch((e: unknown) => e);
      expect((error as Error).message).toContain(message);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
