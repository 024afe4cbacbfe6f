// Every translation spec that cannot be built is refused with the spec path of the problem:
// what the spec alone decides at validation (JSON pointers, as `recurrent validate` shows them),
// what depends on the sizes given to compile as a CompileError naming encoder.layers[i],
// decoder.layers[i], decoder.attention or decoder.bridge.
import { describe, expect, it } from 'vitest';
import { seq2seqSpec } from '../../test/seq2seq-specs.js';
import { CompileError, compile, SpecValidationError } from '../model/compile.js';
import { validateSpec } from '../spec/validate.js';

// biome-ignore lint/suspicious/noExplicitAny: the cases reach into nested spec fields to break them
type Json = Record<string, any>;

function edit(change: (spec: Json) => void, base: Json = seq2seqSpec()): Json {
  const spec = structuredClone(base);
  change(spec);
  return spec;
}

interface Case {
  name: string;
  spec: Json;
  pointer: string;
  message: string;
  suggestion?: string;
}

const gru = (hiddenSize: number, extra: Json = {}) => ({ type: 'gru', hiddenSize, ...extra });

const validationCases: Case[] = [
  {
    name: 'a dense layer in the encoder',
    spec: edit((s) => s.encoder.layers.push({ type: 'dense', units: 4 })),
    pointer: '/encoder/layers/2/type',
    message:
      'a dense layer cannot be part of the encoder: an encoder is an embedding, then recurrent (rnn, lstm, gru) and dropout layers',
  },
  {
    name: 'a layer norm in the decoder',
    spec: edit((s) => s.decoder.layers.splice(1, 0, { type: 'layer-norm' })),
    pointer: '/decoder/layers/1/type',
    message:
      'a layer-norm layer cannot be part of the decoder: a decoder is an embedding, an optional dropout, one recurrent layer (stacked with numLayers) and an optional dropout; the output projection to the target vocabulary is added automatically',
  },
  {
    name: 'a dense output head in the decoder',
    spec: edit((s) => s.decoder.layers.push({ type: 'dense', units: 11 })),
    pointer: '/decoder/layers/2/type',
    message:
      'a dense layer cannot be part of the decoder: a decoder is an embedding, an optional dropout, one recurrent layer (stacked with numLayers) and an optional dropout; the output projection to the target vocabulary is added automatically',
  },
  {
    name: 'two recurrent layers in the decoder',
    spec: edit((s) => s.decoder.layers.push(gru(6))),
    pointer: '/decoder/layers/2',
    message:
      'the decoder has one recurrent layer (decoder.layers[1]); stack layers with its numLayers',
    suggestion: 'remove this layer and set "numLayers": 2 on decoder.layers[1]',
  },
  {
    name: 'two dropouts before the decoder RNN',
    spec: edit((s) =>
      s.decoder.layers.splice(1, 0, { type: 'dropout', rate: 0.1 }, { type: 'dropout', rate: 0.2 }),
    ),
    pointer: '/decoder/layers/2',
    message:
      "a second dropout before the decoder's recurrent layer: a decoder is an embedding, an optional dropout, one recurrent layer (stacked with numLayers) and an optional dropout; the output projection to the target vocabulary is added automatically",
  },
  {
    name: 'a bidirectional decoder',
    spec: edit((s) => {
      s.decoder.layers[1].bidirectional = true;
    }),
    pointer: '/decoder/layers/1/bidirectional',
    message: 'a decoder cannot be bidirectional: it writes one token at a time, left to right',
  },
  {
    name: 'an encoder without a recurrent layer',
    spec: edit((s) => {
      s.encoder.layers = [s.encoder.layers[0], { type: 'dropout', rate: 0.1 }];
    }),
    pointer: '/encoder/layers',
    message: 'the encoder needs at least one recurrent layer (rnn, lstm or gru)',
  },
  {
    name: 'an encoder layer that returns one vector',
    spec: edit((s) => {
      s.encoder.layers[1].returnSequences = false;
    }),
    pointer: '/encoder/layers/1/returnSequences',
    message:
      "the encoder's recurrent layers must return sequences (the decoder attends to every source step)",
  },
  {
    name: 'combine without attention',
    spec: edit((s) => {
      s.decoder.attention = { type: 'none', combine: 'output' };
    }),
    pointer: '/decoder/attention/combine',
    message:
      'combine says where the attention context enters the decoder; without attention there is none',
    suggestion: 'remove "combine", or choose an attention type',
  },
  {
    name: 'input feeding with bahdanau (combine input by default)',
    spec: edit((s) => {
      s.decoder.inputFeeding = true;
    }),
    pointer: '/decoder/inputFeeding',
    message:
      'input feeding feeds the previous attentional vector (Luong), which only combine "output" computes; this bahdanau attention combines at the input (its default)',
    suggestion: 'set decoder.attention.combine to "output", or remove inputFeeding',
  },
  {
    name: 'input feeding with luong combined at the input',
    spec: edit((s) => {
      s.decoder.attention = { type: 'luong-general', combine: 'input' };
      s.decoder.inputFeeding = true;
    }),
    pointer: '/decoder/inputFeeding',
    message:
      'input feeding feeds the previous attentional vector (Luong), which only combine "output" computes; this luong-general attention combines at the input',
    suggestion: 'set decoder.attention.combine to "output", or remove inputFeeding',
  },
  {
    name: 'input feeding without attention',
    spec: edit((s) => {
      s.decoder.attention = { type: 'none' };
      s.decoder.inputFeeding = true;
    }),
    pointer: '/decoder/inputFeeding',
    message: 'input feeding feeds the previous attentional vector, so it needs attention',
  },
  {
    name: 'luong-dot between different sizes',
    spec: edit((s) => {
      s.decoder.attention = { type: 'luong-dot' };
      s.decoder.layers[1].hiddenSize = 8;
      s.decoder.bridge = 'dense';
    }),
    pointer: '/decoder/attention/type',
    message:
      'luong-dot compares decoder states (8) with encoder outputs (6) by dot product, so their sizes must match',
    suggestion: 'use "luong-general" or "bahdanau", which learn a projection',
  },
  {
    name: 'attention size on luong-general',
    spec: edit((s) => {
      s.decoder.attention = { type: 'luong-general', size: 4 };
    }),
    pointer: '/decoder/attention/size',
    message: 'size applies to bahdanau and luong-concat attention only, not "luong-general"',
  },
  {
    name: 'copy bridge between different sizes',
    spec: edit((s) => {
      s.decoder.layers[1].hiddenSize = 8;
    }),
    pointer: '/decoder/bridge',
    message:
      '"copy" needs the encoder\'s final state size (6) to equal the decoder\'s hiddenSize (8)',
    suggestion: 'use "dense" (a learned projection between the sizes) or "zeros"',
  },
  {
    name: 'copy bridge from a bidirectional encoder of the wrong size',
    spec: edit((s) => {
      s.encoder.layers[1].bidirectional = true;
    }),
    pointer: '/decoder/bridge',
    message:
      '"copy" needs the encoder\'s final state size (2 directions x 6 = 12) to equal the decoder\'s hiddenSize (6)',
    suggestion: 'use "dense" (a learned projection between the sizes) or "zeros"',
  },
  {
    name: 'more decoder layers than the encoder has to give',
    spec: edit((s) => {
      s.decoder.layers[1].numLayers = 2;
      s.decoder.bridge = 'dense';
    }),
    pointer: '/decoder/bridge',
    message:
      "the decoder has 2 layers but the encoder's last recurrent layer only 1: each decoder layer starts from one encoder layer",
    suggestion:
      'use "zeros", or give the encoder\'s last recurrent layer as many layers as the decoder',
  },
  {
    name: 'teacher forcing on another task',
    spec: {
      version: 1,
      name: 'lm',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim: 4 },
        { type: 'gru', hiddenSize: 4 },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' }, teacherForcing: { ratio: 0.5 } },
    },
    pointer: '/training/teacherForcing',
    message: 'teacher forcing applies to translation (a decoder), not task "generation"',
  },
];

describe('translation spec errors', () => {
  it('accepts the base spec and every bridge that fits', async () => {
    expect(validateSpec(seq2seqSpec()).ok).toBe(true);
    for (const bridge of ['copy', 'dense', 'zeros'] as const) {
      expect(validateSpec(seq2seqSpec({ bridge })).ok).toBe(true);
    }
    expect(validateSpec(seq2seqSpec({ bidirectional: true, bridge: 'copy' })).ok).toBe(true);
  });

  it.each(validationCases)('$name', async (c) => {
    const result = validateSpec(c.spec);
    expect(result.ok).toBe(false);
    const match = result.ok
      ? undefined
      : result.errors.find((e) => e.pointer === c.pointer && e.message === c.message);
    expect(match, JSON.stringify(result.ok ? [] : result.errors, null, 2)).toBeDefined();
    expect(match?.suggestion).toBe(c.suggestion);
    // compile refuses it too, naming the path.
    const error = await compile(c.spec, { vocabularySize: 13, outputSize: 11 }).catch((e) => e);
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as Error).message).toContain(`${c.pointer}: ${c.message}`);
  });

  const compileCases: Array<{ name: string; spec: Json; options: Json; message: string }> = [
    {
      name: 'no source vocabulary size',
      spec: seq2seqSpec(),
      options: { outputSize: 11 },
      message:
        'encoder.layers[0] ("embedding", embedding): the source vocabulary size is unknown; set numEmbeddings in the spec or pass compile(spec, { vocabularySize })',
    },
    {
      name: 'no target vocabulary size',
      spec: seq2seqSpec(),
      options: { vocabularySize: 13 },
      message:
        'decoder.layers[0] ("embedding", embedding): the target vocabulary size is unknown; set numEmbeddings in the spec or pass compile(spec, { outputSize })',
    },
    {
      name: 'a decoder embedding of another size than the target vocabulary',
      spec: edit((s) => {
        s.decoder.layers[0].numEmbeddings = 12;
      }),
      options: { vocabularySize: 13, outputSize: 11 },
      message:
        'decoder.layers[0] ("embedding", embedding): numEmbeddings 12 differs from the target vocabulary size 11: the decoder reads back the tokens it predicts',
    },
    {
      name: 'a target vocabulary size that is no size',
      spec: seq2seqSpec(),
      options: { vocabularySize: 13, outputSize: 0 },
      message: 'the target vocabulary size (outputSize) must be a positive integer, got 0',
    },
  ];

  it.each(compileCases)('compile: $name', async (c) => {
    const error = await compile(c.spec, c.options).catch((e) => e);
    expect(error).toBeInstanceOf(CompileError);
    expect((error as Error).message).toBe(c.message);
  });

  it('sizes come from the spec when it gives them', async () => {
    const spec = edit((s) => {
      s.encoder.layers[0].numEmbeddings = 20;
      s.decoder.layers[0].numEmbeddings = 9;
    });
    const model = await compile(spec);
    expect(
      model.parameters().find((p) => p.name === 'encoder.embedding.weight')?.variable.shape,
    ).toEqual([20, 5]);
    expect(model.parameters().find((p) => p.name === 'decoder.out.weight')?.variable.shape).toEqual(
      [9, 6],
    );
    model.dispose();
  });
});
