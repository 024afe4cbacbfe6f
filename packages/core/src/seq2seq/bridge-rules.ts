// Which bridges can join an encoder's last recurrent layer to the decoder's (see bridge.ts): pure
// size rules, shared by the spec checks (spec/semantic-checks.ts) and the bridge itself.
import type { DecoderSpec } from '../spec/types.generated.js';

export type BridgeType = DecoderSpec['bridge'];

/** What the bridge needs to know of a recurrent layer. */
export interface RecurrentShape {
  cell: 'rnn' | 'lstm' | 'gru';
  numLayers: number;
  directions: 1 | 2;
  hiddenSize: number;
}

/** Why `type` cannot join these two layers, or undefined when it can. */
export function bridgeProblem(
  type: BridgeType,
  encoder: RecurrentShape,
  decoder: RecurrentShape,
): string | undefined {
  if (type === 'zeros') return undefined;
  if (decoder.numLayers > encoder.numLayers) {
    return `the decoder has ${decoder.numLayers} layers but the encoder's last recurrent layer only ${encoder.numLayers}: each decoder layer starts from one encoder layer`;
  }
  const size = encoder.directions * encoder.hiddenSize;
  if (type === 'copy' && size !== decoder.hiddenSize) {
    const what =
      encoder.directions === 2 ? `2 directions x ${encoder.hiddenSize} = ${size}` : `${size}`;
    return `"copy" needs the encoder's final state size (${what}) to equal the decoder's hiddenSize (${decoder.hiddenSize})`;
  }
  return undefined;
}
