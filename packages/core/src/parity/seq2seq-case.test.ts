import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runCase } from './runner.js';

const fixtures = join(import.meta.dirname, '../../../../fixtures/parity');

describe('seq2seq parity (PyTorch translation tutorial, teacher-forced)', () => {
  it('matches log-probabilities, attention, final state, loss and every gradient', async () => {
    const before = tf.memory().numTensors;
    const report = await runCase(join(fixtures, 'seq2seq_bahdanau'), 'cpu');
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.kind).toBe('seq2seq-bahdanau');
    expect(tf.memory().numTensors).toBe(before);
  });
});
