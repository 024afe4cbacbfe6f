// Test data: the first 16 KB of Tiny Shakespeare (copied with its README into fixtures/), and a
// small character LSTM spec to train on it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const shakespeare = readFileSync(
  join(import.meta.dirname, 'fixtures/tinyshakespeare/slice.txt'),
  'utf8',
);

/** A small char LSTM: trains on the slice in seconds on wasm. */
export function charSpec(
  overrides: {
    input?: Record<string, unknown>;
    training?: Record<string, unknown>;
    layers?: unknown[];
  } = {},
) {
  return {
    version: 1,
    name: 'tiny-shakespeare-char',
    task: 'generation',
    input: { tokenizer: { type: 'char' }, maxLength: 64, ...overrides.input },
    layers: overrides.layers ?? [
      { type: 'embedding', embeddingDim: 16 },
      { type: 'lstm', hiddenSize: 64 },
      { type: 'dense', units: 'auto' },
    ],
    training: {
      epochs: 1,
      batchSize: 16,
      optimizer: { type: 'adam', lr: 0.01 },
      clipNorm: 5,
      seed: 7,
      ...overrides.training,
    },
  };
}

/** Entropy in nats of the text's character frequencies: the loss of the best unigram model. */
export function unigramEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...text].length;
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * Math.log(c / n);
  return h;
}
