// Measuring a translation model on pairs: teacher-forced (the model reads the reference: mean
// cross-entropy per target token, its exponential, the share of target tokens ranked first) and
// decoded (corpus BLEU as sacrebleu computes it, between the translations' tokens joined by
// spaces and the references tokenized the same way, joined by spaces).
import { type BleuResult, corpusBleu, decode, seq2seqStepper } from '@recurrent/core';
import { bosId, eosId } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';
import { layOut, layoutInputs } from './batches.js';
import { decodeOptions, type ResolvedDecoding } from './decoding-options.js';
import type { EncodedPair, PairEncoding } from './pair-encoding.js';
import { greedyTranslations, type TranslationModel } from './seq2seq-model.js';

/** Pairs per forward pass or decoding batch: no gradients are kept, so batches can be large. */
export const evaluationBatch = 128;

export interface TeacherForced {
  /** Mean cross-entropy per target token (the <eos> label included), in nats. */
  loss: number;
  /** Share of target tokens the model ranks first. */
  tokenAccuracy: number;
  tokens: number;
}

/** Pairs in batches of similar source length, in an order that pads little. */
function batchesOf(pairs: readonly EncodedPair[], size: number): EncodedPair[][] {
  const order = [...pairs].sort(
    (a, b) => a.source.ids.length - b.source.ids.length || a.index - b.index,
  );
  const out: EncodedPair[][] = [];
  for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size));
  return out;
}

/** The model reading each reference: its cross-entropy and token accuracy. */
export async function teacherForced(
  model: TranslationModel,
  pairs: readonly EncodedPair[],
  batchSize = evaluationBatch,
): Promise<TeacherForced> {
  let lossSum = 0;
  let correct = 0;
  let tokens = 0;
  for (const batch of batchesOf(pairs, batchSize)) {
    const layout = layOut(batch);
    const logits = tf.tidy(() => model.forward(layoutInputs(layout)).output);
    const values = (await logits.data()) as Float32Array;
    const V = logits.shape[2] as number;
    logits.dispose();
    const T = layout.targetSteps;
    layout.targetLengths.forEach((length, r) => {
      for (let t = 0; t < length; t++) {
        const row = values.subarray((r * T + t) * V, (r * T + t + 1) * V);
        const label = layout.labels[r * T + t] as number;
        let max = Number.NEGATIVE_INFINITY;
        let best = 0;
        for (let k = 0; k < V; k++) {
          if ((row[k] as number) > max) {
            max = row[k] as number;
            best = k;
          }
        }
        let sum = 0;
        for (let k = 0; k < V; k++) sum += Math.exp((row[k] as number) - max);
        lossSum += max + Math.log(sum) - (row[label] as number);
        // A tie with the label counts as ranked first only when the label is the first of them.
        if (best === label) correct++;
        tokens++;
      }
    });
  }
  return {
    loss: tokens === 0 ? 0 : lossSum / tokens,
    tokenAccuracy: tokens === 0 ? 0 : correct / tokens,
    tokens,
  };
}

/** Output ids of every pair's source, in the pairs' order, decoded as `decoding` says. */
export async function translations(
  model: TranslationModel,
  pairs: readonly EncodedPair[],
  decoding: ResolvedDecoding,
): Promise<number[][]> {
  if (decoding.strategy === 'greedy') {
    return greedyTranslations(
      model,
      pairs.map((p) => p.source.ids),
      decoding.maxLength,
      evaluationBatch,
    );
  }
  const out: number[][] = [];
  for (const pair of pairs) {
    const result = await decode(seq2seqStepper(model, pair.source.ids), Int32Array.of(bosId), {
      ...decodeOptions(decoding),
      endToken: eosId,
    });
    out.push(result.hypotheses[0]?.tokens ?? []);
  }
  return out;
}

/**
 * Corpus BLEU (sacrebleu's corpus_bleu with its defaults: 13a tokenization, exp smoothing) of the
 * outputs (tokens joined by spaces; special tokens a model writes, such as <unk>, by their names)
 * against the references as the target tokenizer reads them, joined by spaces.
 */
export function bleuOf(
  encoding: PairEncoding,
  outputs: readonly number[][],
  references: readonly string[],
): BleuResult {
  const hypotheses = outputs.map((ids) =>
    encoding.targetVocabulary.decode(ids, { keepSpecial: true }).join(' '),
  );
  return corpusBleu(hypotheses, [references.map((r) => encoding.reference(r))]);
}
