// Test data: the first 400 Tatoeba eng-fra pairs (copied with their README into fixtures/), and a
// small translation spec in the PyTorch tutorial's shape (GRU encoder, GRU decoder with Bahdanau
// attention, the tutorial's text normalisation) that trains on them in seconds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTsvPairs } from '../src/pair-files.js';

export const fixturePath = join(import.meta.dirname, 'fixtures/tatoeba-eng-fra/eng-fra-head.txt');

export const tatoeba = parseTsvPairs(readFileSync(fixturePath, 'utf8'), fixturePath);

/** The tutorial's normalizeString as a tokenizer spec. */
export const tutorialTokenizer = {
  type: 'word',
  lowercase: true,
  normalize: 'ascii',
  lettersOnly: true,
} as const;

export function translationSpec(
  overrides: {
    input?: Record<string, unknown>;
    target?: Record<string, unknown>;
    encoder?: Record<string, unknown>;
    decoder?: Record<string, unknown>;
    training?: Record<string, unknown>;
    decoding?: Record<string, unknown>;
  } = {},
) {
  return {
    version: 1,
    name: 'tiny-eng-fra',
    task: 'translation',
    input: { tokenizer: tutorialTokenizer, maxLength: 10, ...overrides.input },
    target: { tokenizer: tutorialTokenizer, maxLength: 12, ...overrides.target },
    encoder: {
      layers: [
        { type: 'embedding', embeddingDim: 16 },
        { type: 'gru', hiddenSize: 32 },
      ],
      ...overrides.encoder,
    },
    decoder: {
      layers: [
        { type: 'embedding', embeddingDim: 16 },
        { type: 'gru', hiddenSize: 32 },
      ],
      attention: { type: 'bahdanau' },
      ...overrides.decoder,
    },
    training: {
      epochs: 1,
      batchSize: 16,
      optimizer: { type: 'adam', lr: 0.01 },
      clipNorm: 5,
      seed: 5,
      ...overrides.training,
    },
    ...(overrides.decoding ? { decoding: overrides.decoding } : {}),
  };
}
