// Translating sentences one at a time with core's decoding (greedy or beam search) over the
// model's seq2seqStepper (the source encoded once, one decoder step per token), and the attention
// of each output token from a teacher-forced pass of the model on the tokens chosen: the same
// computation as during decoding, in one call.
import { type DecodeOptions, decode, type Hypothesis, seq2seqStepper } from '@recurrent/core';
import { bosId, eosId } from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';
import type { Translation, TranslationHypothesis } from './contract.js';
import { decodeOptions, type ResolvedDecoding } from './decoding-options.js';
import type { EncodedSource, PairEncoding } from './pair-encoding.js';
import type { TranslationModel } from './seq2seq-model.js';

/** Output tokens as strings: special ids (a model may write <unk>) by their names. */
function targetTokens(encoding: PairEncoding, ids: readonly number[]): string[] {
  return encoding.targetVocabulary.decode(ids, { keepSpecial: true });
}

function hypothesisOf(encoding: PairEncoding, h: Hypothesis): TranslationHypothesis {
  const tokens = targetTokens(encoding, h.tokens);
  return {
    text: encoding.targetTokenizer.detokenize(tokens),
    tokens,
    score: h.score,
    logProbability: h.logProbability,
    stoppedBy: h.stoppedBy,
  };
}

/**
 * attention[i][j]: source position j's weight when output token i was written, read from the
 * model run teacher-forced on <bos> and the output (one row per output token, and one for <eos>
 * when the output ended with it).
 */
export async function attentionRows(
  model: TranslationModel,
  source: Int32Array,
  output: readonly number[],
  ended: boolean,
): Promise<number[][]> {
  const steps = output.length + (ended ? 1 : 0);
  if (steps === 0) return [];
  const target = Int32Array.from([bosId, ...output]).subarray(0, steps);
  const weights = tf.tidy(() => {
    const result = model.forward({
      source: tf.tensor2d(source, [1, source.length], 'int32'),
      sourceLengths: [source.length],
      target: tf.tensor2d(target, [1, steps], 'int32'),
      targetLengths: [steps],
    });
    tf.dispose(result.output);
    if (!result.attention) {
      throw new Error(`model "${model.spec.name}" gave no attention weights`);
    }
    return result.attention;
  });
  const values = (await weights.data()) as Float32Array;
  weights.dispose();
  const S = source.length;
  return Array.from({ length: steps }, (_, i) => Array.from(values.subarray(i * S, (i + 1) * S)));
}

/** One sentence translated as `decoding` says. */
export async function translateOne(
  model: TranslationModel,
  encoding: PairEncoding,
  text: string,
  source: EncodedSource,
  decoding: ResolvedDecoding,
  signal: AbortSignal | undefined,
): Promise<Translation> {
  const options: DecodeOptions = {
    ...decodeOptions(decoding),
    endToken: eosId,
    ...(signal ? { signal } : {}),
  };
  const result = await decode(seq2seqStepper(model, source.ids), Int32Array.of(bosId), options);
  const best = result.hypotheses[0];
  if (!best) throw new Error('decoding returned no hypothesis');
  const hypotheses = result.hypotheses.map((h) => hypothesisOf(encoding, h));
  const attention = await attentionRows(model, source.ids, best.tokens, best.stoppedBy === 'end');
  return {
    ...(hypotheses[0] as TranslationHypothesis),
    source: text,
    sourceTokens: source.tokens,
    attention,
    ...(decoding.nBestAsked ? { hypotheses } : {}),
  };
}
