// The models of the training workloads as Recurrent specs and sizes, shared by the one-thread
// measurement (bundled, this process) and the all-cores one (a child process on the built
// packages, see all-cores/child.ts): both must train the same model. Plain data: no tfjs here.

export interface CharLmSizes {
  cell: 'lstm' | 'gru';
  vocab: number;
  embedding: number;
  hidden: number;
  layers: number;
  batch: number;
  steps: number;
}

/** W1: LSTM char-LM, vocab 65, embedding 64, 2 x 256, batch 32 x 64. */
export const w1: CharLmSizes = {
  cell: 'lstm',
  vocab: 65,
  embedding: 64,
  hidden: 256,
  layers: 2,
  batch: 32,
  steps: 64,
};
/** W4: W1 with GRU. */
export const w4: CharLmSizes = { ...w1, cell: 'gru' };
/** W6: the small model (RLtools' GRU benchmark size): 1-layer GRU, embedding 32, hidden 64. */
export const w6: CharLmSizes = { ...w1, cell: 'gru', embedding: 32, hidden: 64, layers: 1 };

export function charLmSpec(s: CharLmSizes): Record<string, unknown> {
  return {
    version: 1,
    name: `bench-${s.cell}-${s.hidden}`,
    task: 'generation',
    input: { tokenizer: { type: 'char' } },
    layers: [
      { type: 'embedding', embeddingDim: s.embedding, numEmbeddings: s.vocab, paddingIdx: null },
      { type: s.cell, hiddenSize: s.hidden, numLayers: s.layers },
      { type: 'dense', units: s.vocab },
    ],
    training: { optimizer: { type: 'adam', lr: 1e-3 } },
  };
}

/** W2: vocab 20000, embedding 100, one bidirectional LSTM of 128, 2 classes, batch 64 x 200. */
export const sentiment = {
  vocab: 20000,
  embedding: 100,
  hidden: 128,
  batch: 64,
  steps: 200,
  classes: 2,
} as const;

/**
 * returnSequences false gives the final hidden state of each direction, concatenated (PyTorch's
 * cat(h[0], h[1])); a pool "last" would instead read the reverse pass after one token.
 */
export const sentimentSpec = {
  version: 1,
  name: 'bench-sentiment-bilstm',
  task: 'classification',
  input: { tokenizer: { type: 'word' } },
  layers: [
    {
      type: 'embedding',
      embeddingDim: sentiment.embedding,
      numEmbeddings: sentiment.vocab,
      paddingIdx: null,
    },
    { type: 'lstm', hiddenSize: sentiment.hidden, bidirectional: true, returnSequences: false },
    { type: 'dense', units: sentiment.classes },
  ],
  training: { optimizer: { type: 'adam', lr: 1e-3 } },
};
