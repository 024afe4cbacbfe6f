// recurrentStepWork against sums worked out by hand from the products' sizes:
// 2 · (gates · H) · (input + H) FLOPs per row, layer and direction.
import { describe, expect, it } from 'vitest';
import { defaultGenerationChunk, generationChunkLength, recurrentStepWork } from './step-work.js';

describe('recurrentStepWork', () => {
  it('counts every layer and direction of a stacked bidirectional LSTM after an embedding', () => {
    const spec = {
      layers: [
        { type: 'embedding', embeddingDim: 100 },
        { type: 'dropout' },
        { type: 'lstm', hiddenSize: 128, numLayers: 2, bidirectional: true },
        { type: 'dense', units: 'auto' },
      ],
      training: { batchSize: 64 },
    };
    // layer 1: 2 dirs · 2 · 512 · (100 + 128); layer 2 reads 256: 2 · 2 · 512 · (256 + 128)
    const perRow = 2 * 2 * 512 * 228 + 2 * 2 * 512 * 384;
    expect(recurrentStepWork(spec)).toBe(perRow * 64);
  });

  it('chains separate recurrent layers and dense layers by their widths', () => {
    const spec = {
      layers: [
        { type: 'embedding', embeddingDim: 32 },
        { type: 'gru', hiddenSize: 64 },
        { type: 'dense', units: 20 },
        { type: 'rnn', hiddenSize: 10 },
      ],
    };
    // GRU: 2 · 192 · (32 + 64); RNN reads the dense layer's 20: 2 · 10 · (20 + 10); batch 32
    expect(recurrentStepWork(spec)).toBe((2 * 192 * 96 + 2 * 10 * 30) * 32);
  });

  it('adds a character encoder to the embedding width, and counts one feature without an embedding', () => {
    const withCharacters = {
      layers: [
        { type: 'embedding', embeddingDim: 100, characters: { hiddenSize: 25 } },
        { type: 'lstm', hiddenSize: 10 },
      ],
      training: { batchSize: 1 },
    };
    expect(recurrentStepWork(withCharacters)).toBe(2 * 40 * (150 + 10));
    const series = { layers: [{ type: 'lstm', hiddenSize: 32 }], training: { batchSize: 16 } };
    expect(recurrentStepWork(series)).toBe(2 * 128 * 33 * 16);
  });

  it('is undefined without recurrent layers (a seq2seq spec, no spec)', () => {
    expect(recurrentStepWork({ layers: [] })).toBeUndefined();
    expect(recurrentStepWork(undefined)).toBeUndefined();
  });
});

describe('generationChunkLength', () => {
  it("is a generation spec's input.maxLength (64 without it), under the task's aliases too", () => {
    expect(generationChunkLength({ task: 'generation', input: { maxLength: 100 } })).toBe(100);
    expect(generationChunkLength({ task: 'language-modeling' })).toBe(defaultGenerationChunk);
    expect(defaultGenerationChunk).toBe(64);
  });

  it('is undefined for tasks whose rows are padded sentences or windows', () => {
    for (const task of ['classification', 'tagging', 'forecasting', 'translation']) {
      expect(generationChunkLength({ task, input: { maxLength: 64 } }), task).toBeUndefined();
    }
    expect(generationChunkLength(undefined)).toBeUndefined();
  });
});
