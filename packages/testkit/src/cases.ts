// The models the conformance suite runs on every backend: each recurrent cell with lengths,
// stacking, both directions and initial states, and every other layer type, small enough for a
// software GPU. Inputs are seeded, so every backend sees the same numbers.

export interface ConformanceCase {
  name: string;
  spec: Record<string, unknown>;
  /** Token ids (int32 [B, T]) when set, else float features [B, T, features]. */
  vocabulary?: number;
  features?: number;
  batch: number;
  steps: number;
  /** Real length of each row (packed-sequence semantics). */
  lengths?: number[];
  /** Pass seeded initial states to this recurrent layer. */
  initialStateOf?: { layer: string; size: number; withCell: boolean };
}

const training = { optimizer: { type: 'adam' }, seed: 11 };

/** A spec name from a case's title. */
const slug = (title: string) => title.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '');

function recurrentCase(
  name: string,
  layer: Record<string, unknown>,
  options: { lengths?: number[]; initialState?: boolean } = {},
): ConformanceCase {
  const hidden = 5;
  const layers = (layer.numLayers as number | undefined) ?? 1;
  const directions = layer.bidirectional ? 2 : 1;
  return {
    name,
    spec: {
      version: 1,
      name: slug(name),
      task: 'feature-extraction',
      input: { features: 3 },
      layers: [{ ...layer, name: 'rnn', hiddenSize: hidden }],
      training,
    },
    features: 3,
    batch: 3,
    steps: 6,
    ...(options.lengths ? { lengths: options.lengths } : {}),
    ...(options.initialState
      ? {
          initialStateOf: {
            layer: 'rnn',
            size: layers * directions,
            withCell: layer.type === 'lstm',
          },
        }
      : {}),
  };
}

export const recurrentCases: ConformanceCase[] = [
  recurrentCase('lstm', { type: 'lstm' }),
  recurrentCase(
    'lstm 2 layers bidirectional, lengths, h0/c0',
    {
      type: 'lstm',
      numLayers: 2,
      bidirectional: true,
    },
    { lengths: [6, 2, 4], initialState: true },
  ),
  recurrentCase(
    'lstm without bias, lengths',
    { type: 'lstm', bias: false },
    { lengths: [3, 6, 1] },
  ),
  recurrentCase('gru', { type: 'gru' }),
  recurrentCase(
    'gru 2 layers bidirectional, lengths, h0',
    {
      type: 'gru',
      numLayers: 2,
      bidirectional: true,
    },
    { lengths: [1, 6, 3], initialState: true },
  ),
  recurrentCase(
    'rnn tanh 3 layers, lengths',
    {
      type: 'rnn',
      nonlinearity: 'tanh',
      numLayers: 3,
    },
    { lengths: [5, 6, 2] },
  ),
  recurrentCase(
    'rnn relu bidirectional, h0',
    {
      type: 'rnn',
      nonlinearity: 'relu',
      bidirectional: true,
    },
    { initialState: true },
  ),
];

/** Text models through embedding, pooling, layer norm, dense and dropout (inactive). */
function textCase(
  name: string,
  layers: Record<string, unknown>[],
  batch = 4,
  steps = 7,
): ConformanceCase {
  return {
    name,
    spec: {
      version: 1,
      name: slug(name),
      task: 'classification',
      input: { tokenizer: { type: 'word' } },
      layers,
      training,
    },
    vocabulary: 50,
    batch,
    steps,
    lengths: Array.from({ length: batch }, (_, b) => steps - ((b * 3) % steps)),
  };
}

export const layerCases: ConformanceCase[] = [
  textCase('embedding, bi-lstm, pool last, dense', [
    { type: 'embedding', embeddingDim: 6, paddingIdx: 0 },
    { type: 'lstm', hiddenSize: 5, bidirectional: true },
    { type: 'pool', mode: 'last' },
    { type: 'dense', units: 'auto' },
  ]),
  textCase('embedding, gru, pool mean, layer norm, dense gelu', [
    { type: 'embedding', embeddingDim: 6 },
    { type: 'dropout', rate: 0.5 },
    { type: 'gru', hiddenSize: 5 },
    { type: 'pool', mode: 'mean' },
    { type: 'layer-norm' },
    { type: 'dense', units: 4, activation: 'gelu' },
    { type: 'dense', units: 'auto' },
  ]),
  textCase('embedding, rnn, pool max, dense tanh', [
    { type: 'embedding', embeddingDim: 6 },
    { type: 'rnn', hiddenSize: 5, nonlinearity: 'tanh' },
    { type: 'pool', mode: 'max' },
    { type: 'dense', units: 4, activation: 'tanh' },
    { type: 'dense', units: 'auto' },
  ]),
  textCase('embedding, lstm, pool attention, dense sigmoid/relu', [
    { type: 'embedding', embeddingDim: 6 },
    { type: 'lstm', hiddenSize: 5 },
    { type: 'pool', mode: 'attention', attentionSize: 4 },
    { type: 'dense', units: 4, activation: 'sigmoid' },
    { type: 'dense', units: 4, activation: 'relu' },
    { type: 'dense', units: 'auto' },
  ]),
  // More than 1,000 int32 token ids: tfjs-backend-webgpu returns zeros for int32 tensors of that
  // size that go through a transpose (TOOLCHAIN.md); this case fails if any of ours does.
  textCase(
    'large batch of token ids (webgpu int32 transpose guard)',
    [
      { type: 'embedding', embeddingDim: 4 },
      { type: 'gru', hiddenSize: 4, bidirectional: true },
      { type: 'pool', mode: 'mean' },
      { type: 'dense', units: 'auto' },
    ],
    40,
    30,
  ),
];
