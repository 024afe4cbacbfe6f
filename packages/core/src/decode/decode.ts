// Decoding entry points: `decode` returns every hypothesis at the end, `decodeStream` yields the
// tokens of the (best) output as they become final. Both check every option first, read the prompt
// once, make one step per new token, and release every state they get from the stepper.
import { beamSearch } from './beam.js';
import { type CheckedDecodeOptions, checkDecodeCall } from './check-options.js';
import type { DecodedToken, DecodeOptions, DecodeResult, DecodeStepper } from './contract.js';
import { decodeSingle } from './single.js';
import { yieldingStepper } from './yielding-stepper.js';

/** Decodes from `prompt` (at least one token) with greedy search, sampling or beam search. */
export async function decode<S>(
  stepper: DecodeStepper<S>,
  prompt: Int32Array,
  options: DecodeOptions,
): Promise<DecodeResult> {
  const checked = checkDecodeCall(stepper, prompt, options);
  // Steps on cpu and wasm resolve at once: without a turn now and then, a signal could not abort.
  stepper = yieldingStepper(stepper);
  if (checked.strategy === 'beam') {
    const { hypotheses } = await beamSearch(stepper, prompt, checked);
    return { hypotheses };
  }
  const tokens = decodeSingle(stepper, prompt, checked);
  for (;;) {
    const next = await tokens.next();
    if (next.done) return { hypotheses: [next.value] };
  }
}

/**
 * Yields the output's tokens as they are decided and returns what `decode` returns: exactly the
 * tokens of `decode`'s (first) hypothesis, in order. Greedy and sampling yield each token as soon as
 * it is final; one that may begin a stop sequence waits until the sequence completes (then it is
 * dropped) or breaks off. Beam search decides its tokens only at the end: the best hypothesis'
 * tokens are all yielded then. Bad options throw here, at the call; ending the iteration early
 * (break) releases every state.
 */
export function decodeStream<S>(
  stepper: DecodeStepper<S>,
  prompt: Int32Array,
  options: DecodeOptions,
): AsyncGenerator<DecodedToken, DecodeResult> {
  const checked = checkDecodeCall(stepper, prompt, options);
  return streamChecked(yieldingStepper(stepper), prompt, checked);
}

async function* streamChecked<S>(
  stepper: DecodeStepper<S>,
  prompt: Int32Array,
  checked: CheckedDecodeOptions,
): AsyncGenerator<DecodedToken, DecodeResult> {
  if (checked.strategy === 'beam') {
    const { hypotheses, best } = await beamSearch(stepper, prompt, checked);
    yield* best;
    return { hypotheses };
  }
  const hypothesis = yield* decodeSingle(stepper, prompt, checked);
  return { hypotheses: [hypothesis] };
}
