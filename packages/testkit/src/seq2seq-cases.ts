// The encoder-decoder models the conformance suite runs on every backend against the cpu
// reference (the PyTorch translation tutorial's model is a parity fixture): each attention type
// and where its context enters, input feeding, bidirectional and stacked LSTM encoders with each
// bridge, padded sources and targets, and teacher forcing off (the decoder reading its own greedy
// predictions, computed on the device). Small enough for a software GPU.

export interface Seq2seqCase {
  name: string;
  encoder: Record<string, unknown>[];
  decoder: Record<string, unknown>[];
  attention?: Record<string, unknown>;
  inputFeeding?: boolean;
  bridge?: 'copy' | 'dense' | 'zeros';
  sourceLengths?: number[];
  targetLengths?: number[];
  /** Per row and target step: 0 where the decoder reads its own prediction. */
  teacherForcing?: number[][];
}

export const seq2seqSizes = {
  sourceVocabulary: 12,
  targetVocabulary: 10,
  batch: 3,
  sourceSteps: 5,
  targetSteps: 4,
};

const embedding = (dim: number) => ({ type: 'embedding', embeddingDim: dim });

export const seq2seqCases: Seq2seqCase[] = [
  {
    name: 'gru, luong-dot (whole target at once), padded source and target',
    encoder: [embedding(4), { type: 'gru', hiddenSize: 5 }],
    decoder: [embedding(3), { type: 'gru', hiddenSize: 5 }],
    attention: { type: 'luong-dot' },
    sourceLengths: [5, 2, 3],
    targetLengths: [4, 4, 1],
  },
  {
    name: 'lstm, luong-general with input feeding',
    encoder: [embedding(4), { type: 'lstm', hiddenSize: 5 }],
    decoder: [embedding(3), { type: 'lstm', hiddenSize: 5 }],
    attention: { type: 'luong-general' },
    inputFeeding: true,
    sourceLengths: [3, 5, 1],
  },
  {
    name: 'rnn, luong-concat combined at the input, zeros bridge',
    encoder: [embedding(4), { type: 'rnn', hiddenSize: 4 }],
    decoder: [embedding(3), { type: 'rnn', hiddenSize: 6 }],
    attention: { type: 'luong-concat', size: 3, combine: 'input' },
    bridge: 'zeros',
  },
  {
    name: 'bidirectional 2-layer lstm encoder, copy bridge into a 2-layer lstm, bahdanau',
    encoder: [embedding(4), { type: 'lstm', hiddenSize: 3, numLayers: 2, bidirectional: true }],
    decoder: [embedding(3), { type: 'lstm', hiddenSize: 6, numLayers: 2 }],
    attention: { type: 'bahdanau', size: 4 },
    sourceLengths: [2, 5, 4],
  },
  {
    name: 'bidirectional lstm encoder, dense bridge into a gru, bahdanau combined at the output',
    encoder: [embedding(4), { type: 'lstm', hiddenSize: 3, bidirectional: true }],
    decoder: [embedding(3), { type: 'gru', hiddenSize: 5 }],
    attention: { type: 'bahdanau', combine: 'output' },
    bridge: 'dense',
  },
  {
    name: 'gru encoder, dense bridge into an lstm, no attention',
    encoder: [embedding(4), { type: 'gru', hiddenSize: 4 }],
    decoder: [embedding(3), { type: 'lstm', hiddenSize: 5 }],
    attention: { type: 'none' },
    bridge: 'dense',
  },
  {
    name: 'gru, bahdanau, teacher forcing off for some rows and steps',
    encoder: [embedding(4), { type: 'gru', hiddenSize: 5 }],
    decoder: [embedding(3), { type: 'gru', hiddenSize: 5 }],
    attention: { type: 'bahdanau' },
    sourceLengths: [5, 3, 4],
    teacherForcing: [
      [1, 0, 0, 0],
      [1, 1, 0, 1],
      [1, 1, 1, 1],
    ],
  },
];

export function seq2seqSpec(c: Seq2seqCase): Record<string, unknown> {
  return {
    version: 1,
    name: c.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, ''),
    task: 'translation',
    input: { tokenizer: { type: 'word' } },
    target: { tokenizer: { type: 'word' } },
    encoder: { layers: c.encoder },
    decoder: {
      layers: c.decoder,
      ...(c.attention ? { attention: c.attention } : {}),
      inputFeeding: c.inputFeeding ?? false,
      bridge: c.bridge ?? 'copy',
    },
    training: { optimizer: { type: 'adam' }, seed: 23 },
  };
}
