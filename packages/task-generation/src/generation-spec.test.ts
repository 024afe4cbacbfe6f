// Specs the generation task refuses, each with the spec path and the reason, before any data is
// read; and what a valid spec resolves to.

import { defaultGenerationChunk } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { charSpec } from '../test/shakespeare.js';
import { defaultMaxLength, GenerationSpecError, generationSettings } from './generation-spec.js';
import { GenerationTask } from './generation-task.js';

type Spec = ReturnType<typeof charSpec> & Record<string, unknown>;

const cases: { name: string; change: (s: Spec) => unknown; message: string }[] = [
  {
    name: 'a spec of another task',
    change: (s) => ({
      ...s,
      task: 'classification',
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'gru', hiddenSize: 4, returnSequences: false },
        { type: 'dense', units: 'auto' },
      ],
    }),
    message:
      'not a generation spec:\n  /task: a generation task needs task "generation", the spec says "classification"',
  },
  {
    name: 'an invalid spec (the validator names the path)',
    change: (s) => ({ ...s, layers: [{ type: 'lstmm', hiddenSize: 4 }] }),
    message: 'invalid generation spec:\n  /layers/0/type: unknown layer type "lstmm"',
  },
  {
    name: 'numeric input instead of text',
    change: (s) => ({ ...s, input: { features: 3 } }),
    message: '/input/features: generation models text: the input needs a tokenizer, not features',
  },
  {
    // Core's validator: the head is linear, so its outputs are logits, not log-probabilities.
    name: 'nll (the validator refuses it for every task)',
    change: (s) => ({ ...s, training: { ...s.training, loss: 'nll' } }),
    message: 'invalid generation spec:\n  /training/loss: nll',
  },
  {
    name: 'a bidirectional layer (it would see the next token)',
    change: (s) => ({
      ...s,
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'gru', hiddenSize: 4, bidirectional: true },
        { type: 'dense', units: 'auto' },
      ],
    }),
    message:
      'invalid generation spec:\n  /layers/1/bidirectional: a language model predicts each token from the ones before it; a bidirectional layer reads the tokens after it, so it would learn to copy the answer',
  },
  {
    name: 'truncatedBptt (input.maxLength is the chunk length)',
    change: (s) => ({ ...s, training: { ...s.training, truncatedBptt: 64 } }),
    message:
      'invalid generation spec:\n  /training/truncatedBptt: a language model trains on its text in chunks of input.maxLength tokens (64), the state carried from chunk to chunk: input.maxLength is the truncated-BPTT length. Remove truncatedBptt',
  },
  {
    name: 'truncatedBptt other than the default maxLength, saying what to set',
    change: (s) => ({
      ...s,
      input: { tokenizer: { type: 'char' } },
      training: { ...s.training, truncatedBptt: 100 },
    }),
    message:
      '/training/truncatedBptt: a language model trains on its text in chunks of input.maxLength tokens (64, the default), the state carried from chunk to chunk: input.maxLength is the truncated-BPTT length. Remove truncatedBptt (for chunks of 100, set input.maxLength to 100)',
  },
  {
    name: 'labels',
    change: (s) => ({ ...s, labels: ['a', 'b'] }),
    message:
      '/labels: labels apply to classification and tagging; a language model predicts tokens',
  },
];

describe('generation specs', () => {
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      const spec = c.change(charSpec() as Spec);
      expect(() => GenerationTask.create(spec)).toThrow(GenerationSpecError);
      expect(() => GenerationTask.create(spec)).toThrow(c.message);
    });
  }

  it('names every problem at once', () => {
    const spec = {
      ...charSpec(),
      labels: ['x'],
      training: {
        ...charSpec().training,
        truncatedBptt: 80,
      },
    };
    try {
      generationSettings(spec);
      expect.unreachable();
    } catch (error) {
      expect((error as GenerationSpecError).problems.map((p) => p.pointer)).toEqual([
        '/labels',
        '/training/truncatedBptt',
      ]);
    }
  });

  it('resolves the settings of a valid spec (JSON text too), with maxLength 64 by default', () => {
    const spec = {
      ...charSpec(),
      input: { tokenizer: { type: 'word', lowercase: true }, vocabulary: { maxSize: 100 } },
      training: { ...charSpec().training, loss: 'cross-entropy' },
    };
    const settings = generationSettings(JSON.stringify(spec));
    expect(settings.maxLength).toBe(64);
    expect(settings.tokenizer).toMatchObject({ type: 'word', lowercase: true });
    expect(settings.vocabulary).toMatchObject({ maxSize: 100 });
    expect(settings.spec.training.loss).toBe('cross-entropy');
  });

  it("chunks as core's --threads auto assumes when maxLength is absent", () => {
    expect(defaultMaxLength).toBe(defaultGenerationChunk);
  });
});
