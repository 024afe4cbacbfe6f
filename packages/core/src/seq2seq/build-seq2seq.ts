// A translation spec compiled: the encoder's and decoder's layers, the attention, the bridge and
// the output projection, with parameters named as the PyTorch tutorial's modules
// ("encoder.<layer>.<param>", "decoder.<layer>.<param>", contract.ts). The spec checks
// (spec/semantic-checks.ts) have refused layer lists and combinations this cannot build; what
// depends on the sizes given to compile (vocabularies) is checked here, naming the spec path.
import { Random } from '../init/random.js';
import { DropoutLayer } from '../layers/dropout.js';
import { EmbeddingLayer } from '../layers/embedding.js';
import type { Layer } from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent/recurrent-layer.js';
import { layerName } from '../model/layer-name.js';
import type { LayerSpec, ModelSpec } from '../spec/types.generated.js';
import { createAttention, linear } from './attention.js';
import { createBridge, type RecurrentShape } from './bridge.js';
import { type Combine, Decoder } from './decoder.js';
import { Encoder } from './encoder.js';
import { Seq2seqModel } from './seq2seq-model.js';

export interface Seq2seqBuildOptions {
  /** Source vocabulary size (the encoder embedding's rows when numEmbeddings is not set). */
  vocabularySize?: number | undefined;
  /** Target vocabulary size: the output projection's units and the decoder embedding's rows. */
  outputSize?: number | undefined;
  fusedKernels?: 'auto' | 'on' | 'off' | undefined;
}

type RecurrentSpec = Extract<LayerSpec, { type: 'rnn' | 'lstm' | 'gru' }>;

const isRecurrent = (spec: LayerSpec): spec is RecurrentSpec =>
  spec.type === 'rnn' || spec.type === 'lstm' || spec.type === 'gru';

/** "encoder.layers[1] ("gru", gru)" */
function where(side: 'encoder' | 'decoder', index: number, name: string, spec: LayerSpec): string {
  return `${side}.layers[${index}] ("${name}", ${spec.type})`;
}

function shapeOf(layer: RecurrentLayer): RecurrentShape {
  return {
    cell: layer.cell.kind,
    numLayers: layer.numLayers,
    directions: layer.directions,
    hiddenSize: layer.hiddenSize,
  };
}

export function buildSeq2seq(
  spec: ModelSpec,
  options: Seq2seqBuildOptions,
  backend: string,
  fail: (message: string) => never,
): Seq2seqModel {
  const { encoder: encoderSpec, decoder: decoderSpec } = spec;
  if (!encoderSpec || !decoderSpec) fail('a translation spec needs "encoder" and "decoder"');
  const random = new Random(spec.training.seed);
  const encoder = buildEncoder(encoderSpec.layers, options, random, fail);
  const memorySize = encoder.memorySize;

  const used = new Set<string>();
  const [embeddingSpec, ...rest] = decoderSpec.layers;
  const embeddingName = layerName(embeddingSpec, used);
  if (embeddingSpec.type !== 'embedding') {
    fail(
      `${where('decoder', 0, embeddingName, embeddingSpec)}: the decoder starts with an embedding`,
    );
  }
  const targetVocabulary = options.outputSize ?? embeddingSpec.numEmbeddings;
  if (targetVocabulary === undefined) {
    fail(
      `${where('decoder', 0, embeddingName, embeddingSpec)}: the target vocabulary size is unknown; set numEmbeddings in the spec or pass compile(spec, { outputSize })`,
    );
  }
  if (!(Number.isInteger(targetVocabulary) && targetVocabulary >= 1)) {
    fail(
      `the target vocabulary size (outputSize) must be a positive integer, got ${targetVocabulary}`,
    );
  }
  if (
    embeddingSpec.numEmbeddings !== undefined &&
    embeddingSpec.numEmbeddings !== targetVocabulary
  ) {
    fail(
      `${where('decoder', 0, embeddingName, embeddingSpec)}: numEmbeddings ${embeddingSpec.numEmbeddings} differs from the target vocabulary size ${targetVocabulary}: the decoder reads back the tokens it predicts`,
    );
  }
  const embedding = new EmbeddingLayer(
    `decoder.${embeddingName}`,
    embeddingSpec,
    targetVocabulary,
    random.fork(),
  );

  // embedding, [dropout], recurrent, [dropout] (spec checks refuse anything else)
  let before: DropoutLayer | undefined;
  let after: DropoutLayer | undefined;
  let rnnSpec: RecurrentSpec | undefined;
  let rnnName = '';
  rest.forEach((layerSpec, k) => {
    const index = k + 1;
    const name = layerName(layerSpec, used);
    if (layerSpec.type === 'dropout' && !rnnSpec && !before) {
      before = new DropoutLayer(
        `decoder.${name}`,
        layerSpec.rate,
        'sequence',
        embeddingSpec.embeddingDim,
      );
    } else if (isRecurrent(layerSpec) && !rnnSpec) {
      rnnSpec = layerSpec;
      rnnName = name;
    } else if (layerSpec.type === 'dropout' && rnnSpec && !after) {
      after = new DropoutLayer(`decoder.${name}`, layerSpec.rate, 'sequence', rnnSpec.hiddenSize);
    } else {
      fail(
        `${where('decoder', index, name, layerSpec)}: a decoder is an embedding, an optional dropout, one recurrent layer (stack it with numLayers) and an optional dropout`,
      );
    }
  });
  if (!rnnSpec) fail('decoder.layers: the decoder needs a recurrent layer (rnn, lstm or gru)');
  const decoderRnnSpec: RecurrentSpec = rnnSpec;

  const attentionSpec = decoderSpec.attention;
  const attentionType = attentionSpec?.type ?? 'none';
  const combine: Combine =
    attentionSpec?.combine ?? (attentionType === 'bahdanau' ? 'input' : 'output');
  const H = decoderRnnSpec.hiddenSize;
  const contextInInput = attentionType !== 'none' && combine === 'input';
  const rnnInput =
    embeddingSpec.embeddingDim +
    (contextInInput ? memorySize : 0) +
    (decoderSpec.inputFeeding ? H : 0);
  const rnn = new RecurrentLayer(
    `decoder.${rnnName}`,
    decoderRnnSpec,
    rnnInput,
    random.fork(),
    options.fusedKernels,
  );
  let attention: ReturnType<typeof createAttention> | undefined;
  if (attentionType !== 'none') {
    try {
      attention = createAttention(
        attentionType,
        'decoder.attention',
        { query: H, memory: memorySize, size: attentionSpec?.size },
        random.fork(),
      );
    } catch (error) {
      fail(`decoder.attention: ${(error as Error).message}`);
    }
  }
  const combineLayer =
    attention && combine === 'output'
      ? linear('decoder.combine', memorySize + H, H, random.fork(), { activation: 'tanh' })
      : undefined;
  let bridge: ReturnType<typeof createBridge>;
  try {
    bridge = createBridge(
      decoderSpec.bridge,
      shapeOf(encoder.lastRecurrent),
      shapeOf(rnn),
      'decoder.bridge',
      random.fork(),
    );
  } catch (error) {
    fail(`decoder.bridge: ${(error as Error).message}`);
  }
  const out = linear('decoder.out', H, targetVocabulary, random.fork());
  const decoder = new Decoder({
    embedding,
    before,
    rnn,
    after,
    attention,
    combine,
    inputFeeding: decoderSpec.inputFeeding,
    combineLayer,
    bridge,
    out,
    memorySize,
  });
  const sizes = {
    ...(options.vocabularySize !== undefined ? { vocabularySize: options.vocabularySize } : {}),
    outputSize: targetVocabulary,
  };
  return new Seq2seqModel(spec, encoder, decoder, backend, sizes);
}

function buildEncoder(
  specs: readonly LayerSpec[],
  options: Seq2seqBuildOptions,
  random: Random,
  fail: (message: string) => never,
): Encoder {
  const used = new Set<string>();
  const [embeddingSpec, ...rest] = specs as [LayerSpec, ...LayerSpec[]];
  const embeddingName = layerName(embeddingSpec, used);
  if (embeddingSpec.type !== 'embedding') {
    fail(
      `${where('encoder', 0, embeddingName, embeddingSpec)}: the encoder starts with an embedding`,
    );
  }
  const rows = embeddingSpec.numEmbeddings ?? options.vocabularySize;
  if (rows === undefined) {
    fail(
      `${where('encoder', 0, embeddingName, embeddingSpec)}: the source vocabulary size is unknown; set numEmbeddings in the spec or pass compile(spec, { vocabularySize })`,
    );
  }
  const embedding = new EmbeddingLayer(
    `encoder.${embeddingName}`,
    embeddingSpec,
    rows,
    random.fork(),
  );
  const body: Layer[] = [];
  let size = embeddingSpec.embeddingDim;
  let lastRecurrent: RecurrentLayer | undefined;
  rest.forEach((layerSpec, k) => {
    const name = layerName(layerSpec, used);
    if (layerSpec.type === 'dropout') {
      body.push(new DropoutLayer(`encoder.${name}`, layerSpec.rate, 'sequence', size));
    } else if (isRecurrent(layerSpec)) {
      lastRecurrent = new RecurrentLayer(
        `encoder.${name}`,
        layerSpec,
        size,
        random.fork(),
        options.fusedKernels,
      );
      body.push(lastRecurrent);
      size = lastRecurrent.outputSize;
    } else {
      fail(
        `${where('encoder', k + 1, name, layerSpec)}: an encoder is an embedding, then recurrent and dropout layers`,
      );
    }
  });
  if (!lastRecurrent)
    fail('encoder.layers: the encoder needs a recurrent layer (rnn, lstm or gru)');
  return new Encoder(embedding, body, lastRecurrent);
}
