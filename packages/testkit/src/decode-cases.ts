// The language models on which the conformance suite checks the fused decoding step (DecodeStep)
// against model.forward on one token: each cell, stacked layers, recurrent layers in sequence with
// dropout between, with and without biases. Small enough for a software GPU.

export interface DecodeCase {
  name: string;
  /** The layers between the embedding and the output layer; each recurrent one named. */
  layers: Record<string, unknown>[];
  /** The output layer has a bias (default true). */
  outputBias?: boolean;
  /** Default 4. */
  embeddingDim?: number;
}

export const decodeVocabulary = 11;

export const decodeCases: DecodeCase[] = [
  { name: 'lstm', layers: [{ type: 'lstm', name: 'lstm', hiddenSize: 6 }] },
  {
    name: 'lstm 2 layers (dropout between)',
    layers: [{ type: 'lstm', name: 'lstm', hiddenSize: 5, numLayers: 2, dropout: 0.4 }],
  },
  {
    name: 'lstm without biases, output without bias',
    layers: [{ type: 'lstm', name: 'lstm', hiddenSize: 4, bias: false }],
    outputBias: false,
  },
  { name: 'gru', layers: [{ type: 'gru', name: 'gru', hiddenSize: 6 }] },
  { name: 'gru 2 layers', layers: [{ type: 'gru', name: 'gru', hiddenSize: 5, numLayers: 2 }] },
  {
    // A backend may look the first layer's input projection up per token for small vocabularies
    // (wasm does up to 4 × the embedding size): here the vocabulary is larger than that.
    name: 'gru, embedding 2 (vocabulary over 4 × embedding)',
    layers: [{ type: 'gru', name: 'gru', hiddenSize: 5 }],
    embeddingDim: 2,
  },
  { name: 'rnn tanh', layers: [{ type: 'rnn', name: 'rnn', hiddenSize: 6 }] },
  {
    name: 'rnn relu 2 layers',
    layers: [{ type: 'rnn', name: 'rnn', hiddenSize: 5, numLayers: 2, nonlinearity: 'relu' }],
  },
  {
    name: 'lstm, dropout, gru 2 layers, rnn: layers in sequence',
    layers: [
      { type: 'lstm', name: 'first', hiddenSize: 7 },
      { type: 'dropout', rate: 0.5 },
      { type: 'gru', name: 'second', hiddenSize: 4, numLayers: 2 },
      { type: 'rnn', name: 'third', hiddenSize: 3, nonlinearity: 'tanh' },
      { type: 'dropout', rate: 0.2 },
    ],
  },
];

export function decodeSpec(c: DecodeCase): Record<string, unknown> {
  return {
    version: 1,
    name: c.name.replace(/[^A-Za-z0-9]+/g, '-'),
    task: 'generation',
    input: { tokenizer: { type: 'char' } },
    layers: [
      { type: 'embedding', embeddingDim: c.embeddingDim ?? 4 },
      ...c.layers,
      { type: 'dense', units: 'auto', bias: c.outputBias ?? true },
    ],
    training: { optimizer: { type: 'adam' }, seed: 17 },
  };
}
