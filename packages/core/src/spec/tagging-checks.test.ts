// The tagging block's semantic checks: each broken spec and the exact pointer, message and
// suggestion it must produce; and the valid combinations pass.
import { describe, expect, it } from 'vitest';
import { validateSpec } from './validate.js';

// biome-ignore lint/suspicious/noExplicitAny: the cases reach into nested spec fields to break them
type Json = Record<string, any>;

function tagger(tagging?: Json): Json {
  return {
    version: 1,
    name: 'tagger',
    task: 'tagging',
    input: { tokenizer: { type: 'word' } },
    layers: [
      { type: 'embedding', embeddingDim: 8 },
      { type: 'lstm', hiddenSize: 8, bidirectional: true },
      { type: 'dense', units: 'auto' },
    ],
    ...(tagging ? { tagging } : {}),
    training: { optimizer: { type: 'adam' } },
  };
}

const problemsOf = (spec: Json) => {
  const result = validateSpec(spec);
  return result.ok
    ? []
    : result.errors.map(({ pointer, message, suggestion }) => ({ pointer, message, suggestion }));
};

describe('tagging semantic checks', () => {
  it.each([
    ['no tagging block', tagger()],
    ['softmax', tagger({ output: 'softmax' })],
    ['crf without constraints', tagger({ output: 'crf' })],
    ['crf with bio', tagger({ output: 'crf', constraints: 'bio' })],
    ['crf with bioes', tagger({ output: 'crf', constraints: 'bioes' })],
  ])('accepts %s', (_name, spec) => {
    expect(problemsOf(spec)).toEqual([]);
  });

  it.each([
    {
      name: 'constraints with the softmax output (the default)',
      spec: tagger({ constraints: 'bio' }),
      pointer: '/tagging/constraints',
      message:
        'constraints apply to the CRF output: a softmax head picks each token\'s tag on its own, so "bio" would never be enforced',
      suggestion: 'set "output": "crf", or remove "constraints"',
    },
    {
      name: 'a tagging block on another task',
      spec: {
        ...tagger({ output: 'crf' }),
        task: 'generation',
        input: { tokenizer: { type: 'char' } },
      },
      pointer: '/tagging',
      message: '"tagging" is not used by task "generation"',
      suggestion: undefined,
    },
    {
      name: 'a loss with the CRF',
      spec: {
        ...tagger({ output: 'crf' }),
        training: { optimizer: { type: 'adam' }, loss: 'cross-entropy' },
      },
      pointer: '/training/loss',
      message:
        'the CRF output trains on each sentence\'s negative log-likelihood (forward algorithm), not "cross-entropy"',
      suggestion: 'remove "loss"',
    },
    {
      name: 'label smoothing with the CRF',
      spec: {
        ...tagger({ output: 'crf' }),
        training: { optimizer: { type: 'adam' }, labelSmoothing: 0.1 },
      },
      pointer: '/training/labelSmoothing',
      message:
        "label smoothing applies to the softmax output's cross-entropy; the CRF output trains on each sentence's negative log-likelihood",
      suggestion: 'remove "labelSmoothing", or use "output": "softmax"',
    },
    {
      name: 'a layer named crf',
      spec: (() => {
        const s = tagger({ output: 'crf' });
        s.layers[2].name = 'crf';
        return s;
      })(),
      pointer: '/layers/2/name',
      message:
        'the name "crf" is taken by the CRF layer that "output": "crf" adds after the head (its parameters are crf.transitions, ...)',
      suggestion: 'choose another name',
    },
    {
      name: 'a CRF over a pooled vector',
      spec: (() => {
        const s = tagger({ output: 'crf' });
        s.layers.splice(2, 0, { type: 'pool', mode: 'last' });
        return s;
      })(),
      pointer: '/layers/3',
      message:
        'this task predicts one output per token, but the layers reduce the sequence to one vector',
      suggestion: 'remove the pool layer and keep returnSequences true',
    },
  ])('refuses $name', ({ spec, pointer, message, suggestion }) => {
    expect(problemsOf(spec)).toEqual([{ pointer, message, suggestion }]);
  });

  it('accepts a layer named crf with the softmax output', () => {
    const s = tagger();
    s.layers[2].name = 'crf';
    expect(problemsOf(s)).toEqual([]);
  });
});
