import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxDifference } from '../../test/seq2seq-specs.js';
import { readSafetensors } from '../io/safetensors.js';
import { loadTorchWeights } from '../io/torch-import.js';
import { compile } from '../model/compile.js';
import { readParityCase } from './fixture.js';
import { runCase } from './runner.js';
import { seq2seqCaseSpec } from './seq2seq-case.js';

const fixtures = join(import.meta.dirname, '../../../../fixtures/parity');
const folder = join(fixtures, 'seq2seq_bahdanau');
const variants = join(import.meta.dirname, '../../test/fixtures/seq2seq-variants');

describe('seq2seq parity (PyTorch translation tutorial, teacher-forced)', () => {
  it('matches log-probabilities, attention, final state, loss and every gradient', async () => {
    const before = tf.memory().numTensors;
    const report = await runCase(folder, 'cpu');
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.kind).toBe('seq2seq-bahdanau');
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    'lstm_emb8_h10',
    'gru_2layers',
    'lstm_bi_encoder_2layers',
    'rnn_relu',
    'gru_src_tgt_lengths',
    'lstm_bi_lengths',
  ])(
    'matches the PyTorch variant %s (other cells, sizes, layers, directions, lengths)',
    async (name) => {
      const report = await runCase(join(variants, name), 'cpu');
      expect(report.failures).toEqual([]);
      expect(report.ok).toBe(true);
    },
  );

  it('reads the model off the weights: the tutorial GRU encoder and Bahdanau decoder', async () => {
    const fixture = await readParityCase(folder);
    const spec = seq2seqCaseSpec(
      'case',
      readSafetensors(fixture.weightsBytes),
      fixture.description as never,
    );
    expect(spec.encoder).toEqual({
      layers: [
        {
          type: 'embedding',
          name: 'embedding',
          embeddingDim: 12,
          numEmbeddings: 23,
          paddingIdx: null,
          unknownIdx: null,
        },
        {
          type: 'gru',
          name: 'gru',
          hiddenSize: 12,
          numLayers: 1,
          bidirectional: false,
          bias: true,
        },
      ],
    });
    expect(spec.decoder).toMatchObject({
      attention: { type: 'bahdanau', size: 12, combine: 'input' },
      inputFeeding: false,
      bridge: 'copy',
    });
  });

  it('a teacher-forcing mask of ones gives the same log-probabilities', async () => {
    const fixture = await readParityCase(folder);
    const spec = seq2seqCaseSpec(
      'case',
      readSafetensors(fixture.weightsBytes),
      fixture.description as never,
    );
    const model = await compile(spec);
    loadTorchWeights(model, fixture.weightsBytes);
    const t = fixture.tensors;
    const [B, T] = t.entry('tgt').shape as [number, number];
    const labels = t.int32('tgt');
    const input = Int32Array.from({ length: B * T }, (_, k) =>
      k % T === 0 ? 0 : (labels[k - 1] as number),
    );
    const logProbs = tf.tidy(() =>
      tf.logSoftmax(
        model.forward({
          source: tf.tensor(t.int32('src'), t.entry('src').shape as number[], 'int32'),
          target: tf.tensor2d(input, [B, T], 'int32'),
          teacherForcing: tf.ones([B, T]),
        }).output,
      ),
    );
    expect(maxDifference(logProbs.dataSync(), t.float32('log_probs'))).toBeLessThan(1e-5);
    logProbs.dispose();
    model.dispose();
  });
});
