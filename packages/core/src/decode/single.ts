// Greedy decoding and sampling: one hypothesis, one row. The prompt is read once (prefill), then
// each chosen token is fed back with the state carried, one step per token. Yields each token as
// soon as it is final: a token that may begin a stop sequence waits until that is decided.
import { Random } from '../init/random.js';
import type { CheckedDecodeOptions } from './check-options.js';
import type { DecodedToken, DecodeStepper, Hypothesis, StopReason } from './contract.js';
import {
  argmax,
  drawToken,
  logSumExp,
  penalizeRepetitions,
  rowLogits,
  samplingDistribution,
} from './logits.js';
import { StopSequences } from './stop-sequences.js';

/** The tokens seen so far (prompt and output), each once, for the repetition penalty. */
export class SeenTokens {
  readonly #flags: Uint8Array;
  readonly ids: number[] = [];

  constructor(size: number, tokens: Iterable<number>) {
    this.#flags = new Uint8Array(size);
    for (const token of tokens) this.add(token);
  }

  add(token: number): void {
    if (this.#flags[token] === 1) return;
    this.#flags[token] = 1;
    this.ids.push(token);
  }
}

interface Choice {
  token: number;
  logProbability: number;
}

function chooser(options: CheckedDecodeOptions): (logits: Float64Array) => Choice {
  if (options.strategy === 'greedy') {
    return (logits) => {
      const token = argmax(logits);
      return { token, logProbability: (logits[token] as number) - logSumExp(logits) };
    };
  }
  const random = new Random(options.seed);
  return (logits) => {
    const probabilities = samplingDistribution(logits, options);
    // One uniform draw per token, whatever the distribution: the same seed, the same stream.
    const token = drawToken(probabilities, random.next());
    return { token, logProbability: Math.log(probabilities[token] as number) };
  };
}

export async function* decodeSingle<S>(
  stepper: DecodeStepper<S>,
  prompt: Int32Array,
  options: CheckedDecodeOptions,
): AsyncGenerator<DecodedToken, Hypothesis> {
  const { maxNewTokens, endToken, signal } = options;
  const chosen: Choice[] = [];
  const tokens: number[] = [];
  let logProbability = 0;
  let yielded = 0;
  const finish = (stoppedBy: StopReason, outputLength: number): Hypothesis => ({
    tokens: tokens.slice(0, outputLength),
    logProbability,
    score: logProbability,
    stoppedBy,
  });
  if (maxNewTokens === 0) return finish('maxTokens', 0);
  if (signal?.aborted) return finish('aborted', 0);

  const choose = chooser(options);
  const stops = new StopSequences(options.stopSequences);
  const seen = new SeenTokens(stepper.vocabularySize, prompt);
  const size = stepper.vocabularySize;
  let scores = await stepper.prefill(prompt);
  let state = scores.state;
  try {
    for (;;) {
      const logits = rowLogits(scores.logits, 0, size);
      penalizeRepetitions(logits, seen.ids, options.repetitionPenalty);
      const choice = choose(logits);
      chosen.push(choice);
      tokens.push(choice.token);
      seen.add(choice.token);
      logProbability += choice.logProbability;

      // How the output ends if it ends here; undefined: it goes on.
      let end: { reason: StopReason; length: number } | undefined;
      const stopLength = stops.completed(tokens);
      if (choice.token === endToken) end = { reason: 'end', length: tokens.length - 1 };
      else if (stopLength > 0) end = { reason: 'stop', length: tokens.length - stopLength };
      else if (tokens.length === maxNewTokens) end = { reason: 'maxTokens', length: tokens.length };
      else if (signal?.aborted) end = { reason: 'aborted', length: tokens.length };

      const final = end?.length ?? tokens.length - stops.undecided(tokens);
      while (yielded < final) yield chosen[yielded++] as Choice;
      if (end !== undefined) return finish(end.reason, end.length);

      const next = await stepper.step(Int32Array.of(choice.token), state);
      const previous = state;
      state = next.state;
      scores = next;
      stepper.release(previous);
    }
  } finally {
    stepper.release(state);
  }
}
