// kind "seed-sentiment-bilstm": the source tutorial's sentiment model. Embedding (padding_idx) ->
// multi-layer bidirectional LSTM over packed sequences -> concat(final forward, final backward
// hidden of the top layer) -> linear -> 1 logit; loss binary cross-entropy with logits, mean.

import * as tf from '@tensorflow/tfjs-core';
import { binaryCrossEntropyWithLogits, compile, loadTorchWeights } from '../index.js';
import { Checker } from './checker.js';
import { floatTensor, intTensor, type ParityCase } from './fixture.js';

interface SeedDescription {
  sizes: {
    vocab: number;
    embedding: number;
    hidden: number;
    layers: number;
    bidirectional: boolean;
    padding_idx: number | null;
  };
  tolerance: { forward_atol: number; grad_atol: number; grad_rtol: number };
}

export function seedSentimentSpec(c: SeedDescription): Record<string, unknown> {
  const { sizes } = c;
  return {
    version: 1,
    name: 'seed-sentiment-bilstm',
    task: 'classification',
    input: { tokenizer: { type: 'word' } },
    layers: [
      {
        type: 'embedding',
        name: 'embedding',
        embeddingDim: sizes.embedding,
        numEmbeddings: sizes.vocab,
        paddingIdx: sizes.padding_idx,
      },
      {
        type: 'lstm',
        name: 'rnn',
        hiddenSize: sizes.hidden,
        numLayers: sizes.layers,
        bidirectional: sizes.bidirectional,
        returnSequences: false,
      },
      { type: 'dense', name: 'fc', units: 1 },
    ],
    training: { optimizer: { type: 'adam' }, loss: 'bce-with-logits' },
  };
}

export async function runSeedSentimentCase(fixture: ParityCase, backend: string): Promise<Checker> {
  const c = fixture.description as unknown as SeedDescription;
  const t = fixture.tensors;
  const model = await compile(seedSentimentSpec(c), { backend });
  const checker = new Checker(t, new Set(['tokens', 'lengths', 'labels']));
  const forwardTol = { atol: c.tolerance.forward_atol, rtol: 0 };
  const gradTol = { atol: c.tolerance.grad_atol, rtol: c.tolerance.grad_rtol };
  const tokens = intTensor(t, 'tokens');
  const labels = floatTensor(t, 'labels');
  const lengths = t.int32('lengths');
  try {
    loadTorchWeights(model, fixture.weightsBytes, { source: fixture.weightsPath });
    tf.tidy(() => {
      const parameters = model.parameters();
      const { value, grads } = tf.variableGrads(
        () => {
          // Eval mode, as the fixture: dropout off.
          const logits = model.forward({ tokens, lengths }).output;
          checker.check('logits', logits, forwardTol);
          const loss = binaryCrossEntropyWithLogits(tf.reshape(logits, [-1]), labels);
          checker.check('loss', tf.reshape(loss, [1]), forwardTol);
          return loss;
        },
        parameters.map((p) => p.variable),
      );
      for (const parameter of parameters)
        checker.check(
          `grad.${parameter.name}`,
          grads[parameter.variable.name] as tf.Tensor,
          gradTol,
        );
      tf.dispose([value, ...Object.values(grads)]);
    });
  } finally {
    tf.dispose([tokens, labels]);
    model.dispose();
  }
  return checker;
}
