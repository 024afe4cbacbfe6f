// Text from a prompt with a generation model: the prompt and stop texts read with the model's
// tokenizer, the settings resolved over the spec's decoding block, core's decoding over the model's
// stepper (the prompt read once, one step per new token), and the ids rendered back to text.
import {
  type DecodeOptions,
  type DecodeResult,
  decode,
  decodeStream,
  type GeneratedHypothesis,
  type GeneratedPiece,
  type GeneratedText,
  type Hypothesis,
  type Model,
  type ModelSpec,
  modelStepper,
  type TextGenerationOptions,
} from '@recurrent/core';
import { resolveDecoding, stopTexts } from './decoding-options.js';
import { promptIds, stopSequences } from './prompt.js';
import { pieceRenderer, renderText } from './render.js';
import type { TokenStream } from './token-stream.js';

/** A trained generation model with what reads and writes its text. */
export interface GenerationModel {
  model: Model;
  stream: TokenStream;
  spec: ModelSpec;
}

interface Prepared {
  prompt: Int32Array;
  decoding: DecodeOptions;
  strategy: DecodeOptions['strategy'];
  seed: number | undefined;
}

/** Everything checked before any step: settings, prompt, stop texts. */
function prepare(
  { stream, spec }: GenerationModel,
  prompt: string,
  options: TextGenerationOptions,
): Prepared {
  if (typeof prompt !== 'string') {
    throw new TypeError(
      `the prompt must be a string, got ${prompt === null ? 'null' : typeof prompt}`,
    );
  }
  const { seed, ...resolved } = resolveDecoding(spec.decoding, options);
  const ids = promptIds(stream, prompt, options.allowUnknown ?? false);
  const stop = stopTexts(spec.decoding, options);
  const stops = stopSequences(
    stream,
    stop.texts,
    stop.fromSpec ? "the spec's decoding.stop" : undefined,
  );
  const decoding: DecodeOptions = {
    ...resolved,
    ...(stops.length > 0 ? { stopSequences: stops } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  return { prompt: ids, decoding, strategy: resolved.strategy, seed };
}

function textResult(
  { stream }: GenerationModel,
  prepared: Prepared,
  result: DecodeResult,
): GeneratedText {
  const last = prepared.prompt[prepared.prompt.length - 1] as number;
  const hypotheses: GeneratedHypothesis[] = result.hypotheses.map((h: Hypothesis) => ({
    text: renderText(stream, last, h.tokens),
    tokens: h.tokens,
    logProbability: h.logProbability,
    score: h.score,
    stoppedBy: h.stoppedBy,
  }));
  const best = hypotheses[0];
  if (!best) throw new Error('decoding returned no hypothesis');
  return {
    text: best.text,
    tokens: best.tokens,
    stoppedBy: best.stoppedBy,
    hypotheses,
    strategy: prepared.strategy,
    ...(prepared.seed !== undefined ? { seed: prepared.seed } : {}),
  };
}

/** The model one token at a time (core's decode gives the event loop a turn now and then). */
const stepperOf = (target: GenerationModel) => modelStepper(target.model);

export async function generateText(
  target: GenerationModel,
  prompt: string,
  options: TextGenerationOptions = {},
): Promise<GeneratedText> {
  const prepared = prepare(target, prompt, options);
  const result = await decode(stepperOf(target), prepared.prompt, prepared.decoding);
  return textResult(target, prepared, result);
}

/**
 * The pieces of `generateText`'s text as tokens are decided (beam search: all at the end, when its
 * best hypothesis is known); returns what `generateText` returns. Settings are checked at the call.
 */
export function streamText(
  target: GenerationModel,
  prompt: string,
  options: TextGenerationOptions = {},
): AsyncGenerator<GeneratedPiece, GeneratedText, undefined> {
  const prepared = prepare(target, prompt, options);
  return pieces(target, prepared);
}

async function* pieces(
  target: GenerationModel,
  prepared: Prepared,
): AsyncGenerator<GeneratedPiece, GeneratedText, undefined> {
  const tokens = decodeStream(stepperOf(target), prepared.prompt, prepared.decoding);
  const renderer = pieceRenderer(
    target.stream,
    prepared.prompt[prepared.prompt.length - 1] as number,
  );
  try {
    for (;;) {
      const next = await tokens.next();
      if (next.done) return textResult(target, prepared, next.value);
      yield { token: next.value.token, text: renderer.piece(next.value.token) };
    }
  } finally {
    // A consumer that stops early (break) ends the decoding, which releases its states.
    await tokens.return(undefined as never);
  }
}
