// Test data: slices of UD English-Atis (copied with its README and licence into the repository's
// fixtures/datasets/ud-english-atis/; CC BY-SA 4.0), read with the data package's CoNLL-U reader,
// and a small tagging spec that trains on them in seconds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConllu, parseTaggedText } from '@recurrent/data';
import type { TaggedSentences } from '../src/contract.js';

export const atisDir = join(import.meta.dirname, '../../../fixtures/datasets/ud-english-atis');
export const atisTrainPath = join(atisDir, 'en_atis-ud-train.conllu');
export const atisDevPath = join(atisDir, 'en_atis-ud-dev.conllu');
export const namesDir = join(import.meta.dirname, '../../../fixtures/datasets/atis-names');

function read(path: string): TaggedSentences {
  const { sentences } = parseConllu(readFileSync(path, 'utf8'), path);
  return {
    tokens: sentences.map((s) => s.forms),
    tags: sentences.map((s) => s.upos),
    column: 'upos',
  };
}

export const atisTrain = read(atisTrainPath);
export const atisDev = read(atisDevPath);

/** Sentences [from, to) of `data`. */
export function slice(data: TaggedSentences, from: number, to: number): TaggedSentences {
  return {
    tokens: data.tokens.slice(from, to),
    tags: data.tags.slice(from, to),
    ...(data.column !== undefined ? { column: data.column } : {}),
  };
}

export function taggingSpec(
  overrides: {
    input?: Record<string, unknown>;
    layers?: unknown[];
    tagging?: Record<string, unknown>;
    training?: Record<string, unknown>;
    labels?: string[];
  } = {},
) {
  return {
    version: 1,
    name: 'tiny-tagger',
    task: 'tagging',
    input: {
      tokenizer: { type: 'word', lowercase: true, splitPunctuation: false },
      ...overrides.input,
    },
    ...(overrides.labels ? { labels: overrides.labels } : {}),
    layers: overrides.layers ?? [
      { type: 'embedding', embeddingDim: 16 },
      { type: 'lstm', hiddenSize: 16, bidirectional: true },
      { type: 'dense', units: 'auto' },
    ],
    ...(overrides.tagging ? { tagging: overrides.tagging } : {}),
    training: {
      epochs: 2,
      batchSize: 16,
      optimizer: { type: 'adam', lr: 0.01 },
      seed: 3,
      ...overrides.training,
    },
  };
}

/** The derived entity corpus (fixtures/datasets/atis-names): token<TAB>B-NAME|I-NAME|O. */
function readNames(name: string): TaggedSentences {
  const path = join(namesDir, name);
  const corpus = parseTaggedText(readFileSync(path, 'utf8'), path);
  return {
    tokens: corpus.sentences.map((s) => s.tokens),
    tags: corpus.sentences.map((s) => s.tags),
    column: corpus.column,
  };
}

export const namesTrain = readNames('names-train.txt');
export const namesDev = readNames('names-dev.txt');
