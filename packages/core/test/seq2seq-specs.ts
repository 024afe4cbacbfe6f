// Small translation specs and batches for core's seq2seq tests.
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../src/init/random.js';
import { compile } from '../src/model/compile.js';
import type { Seq2seqModel } from '../src/seq2seq/seq2seq-model.js';

export interface Seq2seqOptions {
  encoderCell?: 'rnn' | 'gru' | 'lstm';
  decoderCell?: 'rnn' | 'gru' | 'lstm';
  encoderLayers?: number;
  decoderLayers?: number;
  bidirectional?: boolean;
  encoderHidden?: number;
  decoderHidden?: number;
  attention?: 'none' | 'bahdanau' | 'luong-dot' | 'luong-general' | 'luong-concat';
  attentionSize?: number;
  combine?: 'input' | 'output';
  inputFeeding?: boolean;
  bridge?: 'copy' | 'dense' | 'zeros';
  dropout?: number;
  labelSmoothing?: number;
  seed?: number;
}

export const sourceVocabulary = 13;
export const targetVocabulary = 11;

export function seq2seqSpec(o: Seq2seqOptions = {}): Record<string, unknown> {
  const encoderHidden = o.encoderHidden ?? 6;
  const decoderHidden = o.decoderHidden ?? encoderHidden * (o.bidirectional ? 2 : 1);
  const dropout = o.dropout ? [{ type: 'dropout', rate: o.dropout }] : [];
  const attention =
    o.attention === undefined
      ? { type: 'bahdanau' }
      : {
          type: o.attention,
          ...(o.attentionSize ? { size: o.attentionSize } : {}),
          ...(o.combine ? { combine: o.combine } : {}),
        };
  return {
    version: 1,
    name: 'test-seq2seq',
    task: 'translation',
    input: { tokenizer: { type: 'word' } },
    target: { tokenizer: { type: 'word' } },
    encoder: {
      layers: [
        { type: 'embedding', embeddingDim: 5 },
        ...dropout,
        {
          type: o.encoderCell ?? 'gru',
          hiddenSize: encoderHidden,
          numLayers: o.encoderLayers ?? 1,
          bidirectional: o.bidirectional ?? false,
        },
      ],
    },
    decoder: {
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        ...dropout,
        {
          type: o.decoderCell ?? 'gru',
          hiddenSize: decoderHidden,
          numLayers: o.decoderLayers ?? 1,
          ...(o.dropout && (o.decoderLayers ?? 1) > 1 ? { dropout: o.dropout } : {}),
        },
        ...dropout,
      ],
      attention,
      inputFeeding: o.inputFeeding ?? false,
      bridge: o.bridge ?? 'copy',
    },
    training: {
      optimizer: { type: 'adam', lr: 0.01 },
      labelSmoothing: o.labelSmoothing ?? 0,
      seed: o.seed ?? 5,
    },
  };
}

export async function seq2seqModel(o: Seq2seqOptions = {}): Promise<Seq2seqModel> {
  return (await compile(seq2seqSpec(o), {
    vocabularySize: sourceVocabulary,
    outputSize: targetVocabulary,
  })) as Seq2seqModel;
}

/** Seeded ids in [low, vocabulary) as int32 [rows, steps]. */
export function randomIds(
  rows: number,
  steps: number,
  vocabulary: number,
  seed: number,
  low = 2,
): tf.Tensor2D {
  const random = new Random(seed);
  const ids = Int32Array.from(
    { length: rows * steps },
    () => low + Math.floor(random.next() * (vocabulary - low)),
  );
  return tf.tensor2d(ids, [rows, steps], 'int32');
}

/** Values of a tensor as nested number arrays (for readable expectations). */
export function rows(t: tf.Tensor): number[][] {
  return t.arraySync() as number[][];
}

/** Largest |a − b| over two arrays of the same length. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  }
  return worst;
}
