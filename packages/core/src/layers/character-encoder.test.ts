// The character-level word encoder of the embedding layer: each token's character vector must
// equal an independent computation (the reference recurrent layer of test/reference.ts, PyTorch's
// equations written plainly, run on that word alone), padding must change nothing, gradients must
// reach every parameter and match autograd of the reference, and bad input must be named.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type ReferenceWeights, referenceRecurrent } from '../../test/reference.js';
import { modelFromFiles, modelToFiles } from '../io/model-files.js';
import { compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import { validateSpec } from '../spec/validate.js';
import { chunksOf } from '../train/batch.js';
import { GradientWorkers, splitBatch } from '../train/data-parallel.js';
import { crossEntropy } from '../train/losses.js';
import { parameterGradients } from '../train/optimizer.js';
import type { Batch } from '../train/types.js';
import { lengthBuckets, realWords } from './character-encoder.js';
import type { EmbeddingLayer } from './embedding.js';

type Cell = 'lstm' | 'gru' | 'rnn';
const CHARS = 9; // character table rows: 0 pad, 1 unk, 2..8 letters
const WORDS = 12;

function taggerSpec(cell: Cell, bidirectional: boolean, extra: Record<string, unknown> = {}) {
  return {
    version: 1,
    name: 'chars',
    task: 'tagging',
    input: { tokenizer: { type: 'word' } },
    layers: [
      {
        type: 'embedding',
        embeddingDim: 3,
        characters: { embeddingDim: 4, hiddenSize: 5, cell, bidirectional, maxLength: 6 },
        ...extra,
      },
      { type: 'dense', units: 'auto', name: 'head' },
    ],
    training: { seed: 7, optimizer: { type: 'adam', lr: 0.01 } },
  };
}

async function tagger(
  cell: Cell,
  bidirectional: boolean,
  extra: Record<string, unknown> = {},
  characterVocabularySize = CHARS,
) {
  return compile(taggerSpec(cell, bidirectional, extra), {
    vocabularySize: WORDS,
    outputSize: 3,
    characterVocabularySize,
  });
}

const embeddingOf = (model: Model) => model.layers[0] as EmbeddingLayer;

/** The embedding layer's output on its own (the model's first layer), with the model's checks. */
function embed(
  model: Model,
  tokens: number[][],
  characters: number[][][],
  lengths?: number[],
): tf.Tensor {
  const layer = embeddingOf(model);
  const t = tf.tensor2d(tokens, undefined, 'int32');
  const c = tf.tensor3d(characters, undefined, 'int32');
  const out = layer.forward(t, {
    training: false,
    lengths: lengths ? Int32Array.from(lengths) : undefined,
    random: model.random,
    initialStates: new Map(),
    finalStates: new Map(),
    inputs: new Map<string, tf.Tensor>([
      ['tokens', t],
      ['characters', c],
    ]),
  });
  tf.dispose([t, c]);
  return out;
}

function param(model: Model, name: string): tf.Tensor {
  const p = model.parameters().find((q) => q.name === name);
  if (!p) throw new Error(`no parameter ${name}`);
  return p.variable;
}

function referenceWeights(model: Model, cell: Cell, directions: number): ReferenceWeights[][] {
  const prefix = `embedding.characters.${cell}`;
  const of = (d: number) => {
    const s = `_l0${d === 1 ? '_reverse' : ''}`;
    return {
      wih: param(model, `${prefix}.weight_ih${s}`),
      whh: param(model, `${prefix}.weight_hh${s}`),
      bih: param(model, `${prefix}.bias_ih${s}`),
      bhh: param(model, `${prefix}.bias_hh${s}`),
    };
  };
  return [Array.from({ length: directions }, (_, d) => of(d))];
}

/** The reference character vector of one word (ids without padding): final states, directions concatenated. */
function referenceVector(model: Model, cell: Cell, directions: number, ids: number[]): tf.Tensor {
  const table = param(model, 'embedding.characters.weight');
  const x = tf.expandDims(tf.gather(table, tf.tensor1d(ids, 'int32')), 0);
  const H = 5;
  const h0 = tf.zeros([directions, 1, H]);
  const kind = cell === 'rnn' ? 'rnn-tanh' : cell;
  const { h } = referenceRecurrent(
    kind,
    x,
    referenceWeights(model, cell, directions),
    h0,
    cell === 'lstm' ? tf.zeros([directions, 1, H]) : undefined,
    [ids.length],
  );
  return tf.reshape(tf.transpose(h, [1, 0, 2]), [directions * H]);
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

// Two sentences: the second is shorter (its third token is padding), words of 1 to 6 characters.
const tokens = [
  [4, 5, 6],
  [7, 8, 0],
];
const characters = [
  [
    [2, 3, 4, 0, 0, 0],
    [5, 0, 0, 0, 0, 0],
    [2, 3, 4, 5, 6, 7],
  ],
  [
    [8, 8, 0, 0, 0, 0],
    [1, 2, 3, 4, 0, 0],
    [0, 0, 0, 0, 0, 0],
  ],
];

describe.each([
  ['lstm', true],
  ['lstm', false],
  ['gru', true],
  ['rnn', true],
] as const)('character encoder: %s, bidirectional %s', (cell, bidirectional) => {
  const D = bidirectional ? 2 : 1;

  it('gives each word its reference vector (the same weights on the word alone) after the word vector', async () => {
    const model = await tagger(cell, bidirectional);
    const out = embed(model, tokens, characters);
    expect(out.shape).toEqual([2, 3, 3 + D * 5]);
    expect(embeddingOf(model).outputSize).toBe(3 + D * 5);
    const words = tf.gather(
      param(model, 'embedding.weight'),
      tf.tensor2d(tokens, undefined, 'int32'),
    );
    expect(maxDiff(tf.slice(out, [0, 0, 0], [2, 3, 3]), words)).toBe(0);
    for (const [b, row] of characters.entries()) {
      for (const [t, ids] of row.entries()) {
        const real = ids.filter((id) => id !== 0);
        const got = tf.reshape(tf.slice(out, [b, t, 3], [1, 1, D * 5]), [D * 5]);
        if (real.length === 0) {
          expect(maxDiff(got, tf.zeros([D * 5]))).toBe(0);
        } else {
          expect(maxDiff(got, referenceVector(model, cell, D, real))).toBeLessThan(1e-5);
        }
      }
    }
    tf.dispose([words, out]);
    model.dispose();
  });

  it('matches the reference gradients of every parameter, padding row untouched', async () => {
    const model = await tagger(cell, bidirectional);
    const weights = tf.randomNormal([2, 3, 3 + D * 5], 0, 1, 'float32', 5);
    const parameters = embeddingOf(model).parameters;
    const variables = parameters.map((p) => p.variable);
    const ours = tf.variableGrads(
      () => tf.sum(tf.mul(embed(model, tokens, characters, [3, 2]), weights)) as tf.Scalar,
      variables,
    );
    const reference = tf.variableGrads(() => {
      const table = param(model, 'embedding.weight');
      let loss = tf.scalar(0);
      for (const [b, row] of characters.entries()) {
        for (const [t, ids] of row.entries()) {
          const real = ids.filter((id) => id !== 0);
          if (b === 1 && t === 2) continue; // past the row's length
          const word = tf.gather(table, tf.tensor1d([tokens[b]?.[t] as number], 'int32'));
          const w = tf.reshape(tf.slice(weights, [b, t, 0], [1, 1, -1]), [-1]);
          const vector =
            real.length > 0
              ? tf.concat([tf.reshape(word, [3]), referenceVector(model, cell, D, real)])
              : tf.concat([tf.reshape(word, [3]), tf.zeros([D * 5])]);
          loss = tf.add(loss, tf.sum(tf.mul(vector, w)));
        }
      }
      return loss as tf.Scalar;
    }, variables);
    for (const p of parameters) {
      const g = ours.grads[p.variable.name] as tf.Tensor;
      const r = reference.grads[p.variable.name] as tf.Tensor;
      expect(g, p.name).toBeDefined();
      let expected = r;
      if (p.name.endsWith('.weight')) {
        // The reference's gather gives the padding rows a gradient; nn.Embedding(padding_idx=0) does not.
        const mask = tf.concat([
          tf.zeros([1, r.shape[1] as number]),
          tf.ones([r.shape[0] - 1, r.shape[1] as number]),
        ]);
        expected = tf.mul(r, mask);
        expect(maxDiff(tf.slice(g, [0, 0], [1, -1]), tf.zeros([1, r.shape[1] as number]))).toBe(0);
      }
      expect(maxDiff(g, expected), p.name).toBeLessThan(1e-4);
      if (p.name.includes('.characters.')) {
        expect(tf.max(tf.abs(g)).dataSync()[0], `${p.name} gets a gradient`).toBeGreaterThan(0);
      }
    }
    tf.dispose([
      weights,
      ours.value,
      reference.value,
      ...Object.values(ours.grads),
      ...Object.values(reference.grads),
    ]);
    model.dispose();
  });
});

interface TorchCase {
  name: string;
  spec: { embeddingDim: number; characters: Record<string, unknown> };
  sizes: { vocabularySize: number; characterVocabularySize: number };
  tokens: number[][];
  lengths: number[];
  characters: number[][][];
  weights: Record<string, { shape: number[]; values: number[] }>;
  r: number[];
  output: { shape: number[]; values: number[] };
  grads: Record<string, number[]>;
}

const torchCases = (
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '../../test/fixtures/characters/characters.json'),
      'utf8',
    ),
  ) as { cases: TorchCase[] }
).cases;

describe.each(torchCases)('character encoder vs PyTorch (pack_padded_sequence): $name', (c) => {
  it("gives PyTorch's output and gradients", async () => {
    const model = await compile(
      {
        ...taggerSpec('lstm', true),
        layers: [
          { type: 'embedding', ...c.spec },
          { type: 'dense', units: 'auto' },
        ],
      },
      { ...c.sizes, outputSize: 2 },
    );
    const parameters = embeddingOf(model).parameters;
    expect(parameters.map((p) => p.name).sort()).toEqual(Object.keys(c.weights).sort());
    for (const p of parameters) {
      const w = c.weights[p.name] as { shape: number[]; values: number[] };
      p.variable.assign(tf.tensor(w.values, w.shape));
    }
    const r = tf.tensor(c.r, c.output.shape);
    const { value, grads } = tf.variableGrads(
      () => {
        const out = embed(model, c.tokens, c.characters, c.lengths);
        expect(maxDiff(out, tf.tensor(c.output.values, c.output.shape))).toBeLessThan(1e-5);
        return tf.sum(tf.mul(out, r)) as tf.Scalar;
      },
      parameters.map((p) => p.variable),
    );
    for (const p of parameters) {
      const expected = tf.tensor(c.grads[p.name] as number[], p.variable.shape);
      expect(maxDiff(grads[p.variable.name] as tf.Tensor, expected), p.name).toBeLessThan(1e-5);
    }
    tf.dispose([r, value, ...Object.values(grads)]);
    model.dispose();
  });
});

describe('character encoder: padding', () => {
  it('padded words, padded characters and tokens past a row length change nothing', async () => {
    const model = await tagger('lstm', true);
    const base = embed(model, tokens, characters, [3, 2]);
    // One more token slot per row (padding), one more (zero) character per word, and characters
    // past row 1's length (slot 2): the real tokens' vectors stay, the rest is zero.
    const widerTokens = tokens.map((row) => [...row, 0]);
    const wider = characters.map((row) => [
      ...row.map((ids) => [...ids, 0]),
      [0, 0, 0, 0, 0, 0, 0],
    ]);
    (wider[1] as number[][])[2] = [3, 3, 3, 0, 0, 0, 0];
    const widerModel = await compile(
      {
        ...taggerSpec('lstm', true),
        layers: [
          {
            type: 'embedding',
            embeddingDim: 3,
            characters: { embeddingDim: 4, hiddenSize: 5, cell: 'lstm', maxLength: 7 },
          },
          { type: 'dense', units: 'auto', name: 'head' },
        ],
      },
      { vocabularySize: WORDS, outputSize: 3, characterVocabularySize: CHARS },
    );
    // The same seed, the same draws: maxLength does not shape any parameter.
    for (const [i, p] of widerModel.parameters().entries()) {
      expect(maxDiff(p.variable, model.parameters()[i]?.variable as tf.Tensor)).toBe(0);
    }
    const padded = embed(widerModel, widerTokens, wider, [3, 2]);
    expect(
      maxDiff(tf.slice(padded, [0, 0, 0], [1, 3, -1]), tf.slice(base, [0, 0, 0], [1, 3, -1])),
    ).toBeLessThan(1e-6);
    expect(
      maxDiff(tf.slice(padded, [1, 0, 0], [1, 2, -1]), tf.slice(base, [1, 0, 0], [1, 2, -1])),
    ).toBeLessThan(1e-6);
    const charPart = tf.slice(padded, [1, 2, 3], [1, 2, -1]);
    expect(maxDiff(charPart, tf.zerosLike(charPart))).toBe(0);
    tf.dispose([base, padded, charPart]);
    model.dispose();
    widerModel.dispose();
  });

  it('gathers only the real words, within each row length', () => {
    const values = Int32Array.from(characters.flat(2));
    const words = realWords(values, [2, 3, 6], Int32Array.from([3, 2]), CHARS, 6, 'here');
    expect(words.count).toBe(5);
    expect(Array.from(words.lengths)).toEqual([3, 1, 6, 2, 4]);
    expect(Array.from(words.starts)).toEqual([0, 6, 12, 18, 24]);
    expect(Array.from(words.slots)).toEqual([0, 1, 2, 3, 4, -1]);
    expect(words.count).toBe(5); // all different
    const short = realWords(values, [2, 3, 6], Int32Array.from([1, 1]), CHARS, 6, 'here');
    expect([short.count, Array.from(short.slots)]).toEqual([2, [0, -1, -1, 1, -1, -1]]);
  });

  it('runs a repeated word once and gives every occurrence its vector', async () => {
    const values = Int32Array.from([2, 3, 0, 5, 0, 0, 2, 3, 0, 2, 3, 4]);
    const words = realWords(values, [1, 4, 3], undefined, CHARS, 3, 'here');
    expect([words.count, Array.from(words.slots), Array.from(words.lengths)]).toEqual([
      3,
      [0, 1, 0, 2],
      [2, 1, 3],
    ]);
    const model = await tagger('gru', true);
    const out = embed(
      model,
      [[4, 5, 4, 6]],
      [
        [
          [2, 3, 0],
          [5, 0, 0],
          [2, 3, 0],
          [2, 3, 4],
        ],
      ],
    );
    const [first, again] = [0, 2].map((t) =>
      tf.reshape(tf.slice(out, [0, t, 3], [1, 1, 10]), [10]),
    );
    expect(maxDiff(first as tf.Tensor, again as tf.Tensor)).toBe(0);
    expect(maxDiff(first as tf.Tensor, referenceVector(model, 'gru', 2, [2, 3]))).toBeLessThan(
      1e-5,
    );
    tf.dispose([out, first as tf.Tensor, again as tf.Tensor]);
    model.dispose();
  });

  it('groups words by length into the cheapest runs (brute force over every grouping)', () => {
    const cost = (groups: number[][], lengths: Int32Array, stepCost: number) =>
      groups.reduce((sum, g) => {
        const longest = Math.max(...g.map((w) => lengths[w] as number));
        return sum + longest * (g.length + stepCost);
      }, 0);
    /** Every split of the distinct lengths into at most `max` contiguous runs. */
    const bruteForce = (lengths: Int32Array, max: number, stepCost: number) => {
      const distinct = [...new Set(lengths)].sort((a, b) => a - b);
      let best = Number.POSITIVE_INFINITY;
      const cuts = distinct.length - 1;
      for (let mask = 0; mask < 1 << cuts; mask++) {
        const ends = distinct.filter((_, i) => i === cuts || (mask >> i) & 1);
        if (ends.length > max) continue;
        const groups = ends.map((end, k) =>
          Array.from(lengths.keys()).filter((w) => {
            const n = lengths[w] as number;
            return n <= end && (k === 0 || n > (ends[k - 1] as number));
          }),
        );
        best = Math.min(best, cost(groups, lengths, stepCost));
      }
      return best;
    };
    let seed = 3;
    const next = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let trial = 0; trial < 40; trial++) {
      const count = 1 + Math.floor(next() * 300);
      const lengths = Int32Array.from(
        { length: count },
        () => 1 + Math.floor(next() * next() * 15),
      );
      const max = 1 + (trial % 4);
      const stepCost = [0, 16, 64][trial % 3] as number;
      const groups = lengthBuckets(lengths, max, stepCost);
      expect(groups.length).toBeLessThanOrEqual(max);
      expect(groups.flat().sort((a, b) => a - b)).toEqual(Array.from(lengths.keys()));
      for (const g of groups) expect(g).toEqual([...g].sort((a, b) => a - b));
      expect(cost(groups, lengths, stepCost)).toBe(bruteForce(lengths, max, stepCost));
    }
    // One length, or no gain: one run.
    expect(lengthBuckets(Int32Array.from([3, 3, 3]), 4, 64)).toEqual([[0, 1, 2]]);
  });

  it('a batch of many short words, a few long ones and repeated ones (several runs, each word once) gives the reference vectors and gradients', async () => {
    const model = await tagger('lstm', true, {}, 64);
    // 2 rows of 40 tokens: mostly 1-2 characters, every tenth 6, every fifth a copy of the first.
    const word = (r: number, t: number) =>
      Array.from({ length: 6 }, (_, k) =>
        k < (t % 10 === 0 ? 6 : 1 + ((t + r) % 2)) ? 2 + ((t * 7 + k * 13 + r * 29) % 60) : 0,
      );
    const row = (r: number) =>
      Array.from({ length: 40 }, (_, t) => (t % 5 === 4 ? word(r, 0) : word(r, t)));
    const chars = [row(0), row(1)];
    const words = realWords(Int32Array.from(chars.flat(2)), [2, 40, 6], undefined, 64, 6, 'here');
    const distinct = new Set(chars.flat(1).map((ids) => ids.filter((id) => id > 0).join(',')));
    expect(words.count).toBe(distinct.size);
    expect(words.count).toBeLessThan(80 - 10);
    expect(lengthBuckets(words.lengths, 4, 64).length).toBeGreaterThan(1);
    const lengths = Int32Array.from(chars.flat(1).map((ids) => ids.filter((id) => id > 0).length));
    const charParams = embeddingOf(model).parameters.filter((p) => p.name.includes('.characters.'));
    const r = tf.randomNormal([2, 40, 10], 0, 1, 'float32', 9);
    const kept: tf.Tensor[] = [];
    const ours = tf.variableGrads(
      () => {
        const out = embed(
          model,
          chars.map((row) => row.map(() => 3)),
          chars,
        );
        const vectors = tf.keep(tf.slice(out, [0, 0, 3], [2, 40, 10]));
        kept.push(vectors);
        return tf.sum(tf.mul(vectors, r)) as tf.Scalar;
      },
      charParams.map((p) => p.variable),
    );
    const reference = tf.variableGrads(
      () => {
        const table = param(model, 'embedding.characters.weight');
        const ids = tf.tensor2d(chars.flat(1), undefined, 'int32');
        const { h } = referenceRecurrent(
          'lstm',
          tf.gather(table, ids),
          referenceWeights(model, 'lstm', 2),
          tf.zeros([2, 80, 5]),
          tf.zeros([2, 80, 5]),
          Array.from(lengths),
        );
        const vectors = tf.keep(tf.reshape(tf.transpose(h, [1, 0, 2]), [2, 40, 10]));
        kept.push(vectors);
        return tf.sum(tf.mul(vectors, r)) as tf.Scalar;
      },
      charParams.map((p) => p.variable),
    );
    expect(maxDiff(kept[0] as tf.Tensor, kept[1] as tf.Tensor)).toBeLessThan(1e-5);
    for (const p of charParams) {
      const g = ours.grads[p.variable.name] as tf.Tensor;
      expect(maxDiff(g, reference.grads[p.variable.name] as tf.Tensor), p.name).toBeLessThan(1e-4);
    }
    tf.dispose([
      ...kept,
      r,
      ours.value,
      reference.value,
      ...Object.values(ours.grads),
      ...Object.values(reference.grads),
    ]);
    model.dispose();
  });

  it('a batch with no characters at all gives zeros', async () => {
    const model = await tagger('gru', false);
    const out = embed(model, [[4, 5]], [[[0], [0]]]);
    const charPart = tf.slice(out, [0, 0, 3], [1, 2, 5]);
    expect(maxDiff(charPart, tf.zerosLike(charPart))).toBe(0);
    tf.dispose([out, charPart]);
    model.dispose();
  });
});

describe('character encoder in a model', () => {
  it('adds the input "characters", PyTorch-style parameter names and its size to the summary', async () => {
    const model = await tagger('lstm', true);
    expect(model.inputs.map((d) => [d.name, d.dtype, d.shape.join(','), d.required])).toEqual([
      ['tokens', 'int32', 'batch,time', true],
      ['lengths', 'int32', 'batch', false],
      ['characters', 'int32', 'batch,time,chars', true],
    ]);
    expect(model.parameters().map((p) => [p.name, p.variable.shape])).toEqual([
      ['embedding.weight', [WORDS, 3]],
      ['embedding.characters.weight', [CHARS, 4]],
      ['embedding.characters.lstm.weight_ih_l0', [20, 4]],
      ['embedding.characters.lstm.weight_hh_l0', [20, 5]],
      ['embedding.characters.lstm.bias_ih_l0', [20]],
      ['embedding.characters.lstm.bias_hh_l0', [20]],
      ['embedding.characters.lstm.weight_ih_l0_reverse', [20, 4]],
      ['embedding.characters.lstm.weight_hh_l0_reverse', [20, 5]],
      ['embedding.characters.lstm.bias_ih_l0_reverse', [20]],
      ['embedding.characters.lstm.bias_hh_l0_reverse', [20]],
      ['head.weight', [3, 13]],
      ['head.bias', [3]],
    ]);
    expect(model.summary()).toMatch(/embedding \(embedding\)\s+\[B, T, 13\]/);
    // The padding and unknown characters start at zero.
    const table = param(model, 'embedding.characters.weight').arraySync() as number[][];
    expect([table[0], table[1]]).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(table[2]?.some((v) => v !== 0)).toBe(true);
    model.dispose();
  });

  it('needs characterVocabularySize at compile time', async () => {
    await expect(
      compile(taggerSpec('lstm', true), { vocabularySize: WORDS, outputSize: 3 }),
    ).rejects.toThrow(
      /characters needs the character vocabulary's size; pass compile\(spec, \{ characterVocabularySize \}\)/,
    );
    await expect(
      compile(taggerSpec('lstm', true), {
        vocabularySize: WORDS,
        outputSize: 3,
        characterVocabularySize: 1,
      }),
    ).rejects.toThrow(/characterVocabularySize must be an integer >= 2/);
  });

  it('refuses bad "characters" input naming the input, what it expects and what came', async () => {
    const model = await tagger('lstm', true);
    const t = tf.tensor2d(tokens, undefined, 'int32');
    const ok = tf.tensor3d(characters, undefined, 'int32');
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [
        { tokens: t },
        /model "chars": missing input "characters" \(character ids of each token of "tokens", right-padded with 0\): int32 \[batch, time, chars\]/,
      ],
      [
        {
          tokens: t,
          characters: tf.tensor2d(
            [
              [1, 2, 3],
              [1, 2, 3],
            ],
            undefined,
            'int32',
          ),
        },
        /input "characters" \(.*\) must be int32 \[batch, time, chars\], got int32 \[2, 3\]/,
      ],
      [
        { tokens: t, characters: tf.cast(ok, 'float32') },
        /input "characters" .* must be int32 \[batch, time, chars\], got float32 \[2, 3, 6\]/,
      ],
      [
        { tokens: t, characters: tf.zeros([2, 4, 6], 'int32') },
        /input "characters" \[2, 4, 6\] has 4 time steps but "tokens" \[2, 3\] has 3: one entry per token/,
      ],
      [
        { tokens: t, characters: tf.zeros([3, 3, 6], 'int32') },
        /input "characters" has 3 rows but "tokens" has 2/,
      ],
      [
        { tokens: t, characters: tf.ones([2, 3, 7], 'int32') },
        /layer "embedding" \(embedding\): input "characters" \[2, 3, 7\] has 7 characters per token but characters.maxLength is 6/,
      ],
      [
        { tokens: t, characters: tf.fill([2, 3, 2], CHARS, 'int32') },
        /input "characters" holds id 9 at \[0, 0, 0\], outside the character table of 9 rows/,
      ],
      [
        {
          tokens: t,
          characters: tf.tensor3d(
            [
              [
                [0, 2],
                [2, 0],
                [2, 0],
              ],
              [
                [2, 0],
                [2, 0],
                [2, 0],
              ],
            ],
            undefined,
            'int32',
          ),
        },
        /input "characters" at \[0, 0\] has padding \(0\) before the character at position 1: each token's ids must be left-aligned/,
      ],
    ];
    for (const [inputs, error] of bad) {
      expect(() => model.forward(inputs as never)).toThrow(error);
    }
    const layer = embeddingOf(model);
    expect(() =>
      layer.forward(t, {
        training: false,
        lengths: undefined,
        random: model.random,
        initialStates: new Map(),
        finalStates: new Map(),
      }),
    ).toThrow(
      /layer "embedding" \(embedding\) has a character encoder: it needs the input "characters"/,
    );
    tf.dispose([t, ok]);
    model.dispose();
  });

  it('runs forward and backward through the model without leaking tensors', async () => {
    const model = await tagger('lstm', true, { wordDropout: 0.3 });
    const t = tf.tensor2d(tokens, undefined, 'int32');
    const c = tf.tensor3d(characters, undefined, 'int32');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      const { value, grads } = tf.variableGrads(() => {
        const { output } = model.forward(
          { tokens: t, lengths: [3, 2], characters: c },
          { training: true },
        );
        return tf.mean(tf.square(output)) as tf.Scalar;
      });
      expect(Object.keys(grads)).toHaveLength(model.parameters().length);
      tf.dispose([value, ...Object.values(grads)]);
      tf.dispose(model.forward({ tokens: t, lengths: [3, 2], characters: c }).output);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([t, c]);
    model.dispose();
  });

  it('saves and loads: the same weights, sizes and outputs', async () => {
    const model = await tagger('gru', true);
    const files = await modelToFiles(model);
    const { model: loaded, file } = await modelFromFiles(files);
    expect(file.sizes).toEqual({
      vocabularySize: WORDS,
      outputSize: 3,
      characterVocabularySize: CHARS,
    });
    const inputs = () => ({
      tokens: tf.tensor2d(tokens, undefined, 'int32'),
      lengths: [3, 2],
      characters: tf.tensor3d(characters, undefined, 'int32'),
    });
    const a = inputs();
    const b = inputs();
    const x = model.forward(a).output;
    const y = loaded.forward(b).output;
    expect(maxDiff(x, y)).toBe(0);
    tf.dispose([x, y, a.tokens, a.characters, b.tokens, b.characters]);
    model.dispose();
    loaded.dispose();
  });

  it('data-parallel splitting: each part gives the rows of the whole batch', async () => {
    const model = await tagger('lstm', true);
    const batch = {
      inputs: {
        tokens: tf.tensor2d(tokens, undefined, 'int32'),
        lengths: [3, 2],
        characters: tf.tensor3d(characters, undefined, 'int32'),
      },
      targets: tf.zeros([2, 3], 'int32'),
    };
    const whole = model.forward(batch.inputs).output;
    const parts = splitBatch(batch, [
      [0, 1],
      [1, 2],
    ]);
    parts.forEach((part, k) => {
      const chars = part.inputs.characters as { data: Int32Array; shape: number[] };
      expect(chars.shape).toEqual([1, 3, 6]);
      const tok = part.inputs.tokens as { data: Int32Array; shape: number[] };
      const inputs = {
        tokens: tf.tensor(tok.data, tok.shape, 'int32'),
        lengths: part.inputs.lengths as number[],
        characters: tf.tensor(chars.data, chars.shape, 'int32'),
      };
      const out = model.forward(inputs).output;
      const rows = tf.slice(whole, [k, 0, 0], [1, 3, -1]);
      expect(maxDiff(out, rows)).toBeLessThan(1e-6);
      tf.dispose([out, rows, inputs.tokens, inputs.characters]);
    });
    tf.dispose([whole, batch.inputs.tokens, batch.inputs.characters, batch.targets]);
    model.dispose();
  });

  it('data-parallel training on worker threads gives the whole batch gradient', async () => {
    const before = tf.memory().numTensors;
    const spec = taggerSpec('lstm', true);
    const sizes = { vocabularySize: WORDS, outputSize: 3, characterVocabularySize: CHARS };
    const model = await compile(spec, sizes);
    const parameters = model.parameters();
    const workers = await GradientWorkers.start(model, {
      workers: 2,
      script: new URL('../../test/fixtures/gradient-worker.mjs', import.meta.url),
      config: { spec, ...sizes },
    });
    // 3 rows: the worker threads take rows of tokens, lengths and characters alike.
    const batch: Batch = {
      inputs: {
        tokens: tf.tensor2d([...tokens, [9, 10, 11]], undefined, 'int32'),
        lengths: [3, 2, 3],
        characters: tf.tensor3d([...characters, characters[0] as number[][]], undefined, 'int32'),
      },
      targets: tf.tensor1d([0, 1, 2, 1, 0, 0, 2, 2, 1], 'int32'),
    };
    const loss = (b: Batch) => {
      const { output } = model.forward(b.inputs, { training: true });
      return crossEntropy(tf.reshape(output, [-1, 3]), b.targets) as tf.Scalar;
    };
    try {
      const parallel = await workers.gradients(batch, 11, 0, (b) => loss(b));
      const whole = parameterGradients(parameters, () => tf.tidy(() => loss(batch)));
      expect(parallel.loss).toBeCloseTo(whole.value.dataSync()[0] as number, 5);
      for (const [p, g] of whole.grads) {
        expect(maxDiff(parallel.grads.get(p) as tf.Tensor, g), p.name).toBeLessThan(1e-5);
      }
      tf.dispose([whole.value, ...whole.grads.values(), ...parallel.grads.values()]);
    } finally {
      await workers.dispose();
      tf.dispose([
        batch.inputs.tokens as tf.Tensor,
        batch.inputs.characters as tf.Tensor,
        batch.targets,
      ]);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('truncated BPTT: chunks cut the characters along time with the tokens, as fresh tensors', async () => {
    const model = await tagger('lstm', true);
    const full = characters.map((row) =>
      row.map((ids, t) => (t === 2 && ids[0] === 0 ? [3, 0, 0, 0, 0, 0] : ids)),
    );
    const batch = {
      inputs: {
        tokens: tf.tensor2d(
          [
            [4, 5, 6],
            [7, 8, 9],
          ],
          undefined,
          'int32',
        ),
        characters: tf.tensor3d(full, undefined, 'int32'),
      },
      targets: tf.zeros([2, 3], 'int32'),
    };
    const chunks = chunksOf(model, batch, 2);
    expect(chunks.map((c) => (c.inputs.characters as tf.Tensor).shape)).toEqual([
      [2, 2, 6],
      [2, 1, 6],
    ]);
    expect(
      ((chunks[1] as (typeof chunks)[number]).inputs.characters as tf.Tensor).arraySync(),
    ).toEqual(full.map((row) => [row[2]]));
    expect(
      ((chunks[0] as (typeof chunks)[number]).inputs.characters as tf.Tensor).arraySync(),
    ).toEqual(full.map((row) => row.slice(0, 2)));
    const whole = model.forward(batch.inputs).output;
    const last = model.forward(chunks[1]?.inputs as never).output;
    // The head reads each token alone, so a chunk's outputs are the batch's at those steps.
    expect(maxDiff(last, tf.slice(whole, [0, 2, 0], [2, 1, -1]))).toBeLessThan(1e-6);
    tf.dispose([
      whole,
      last,
      ...chunks.flatMap((c) => [...Object.values(c.inputs), c.targets] as tf.Tensor[]),
      batch.inputs.tokens,
      batch.inputs.characters,
      batch.targets,
    ]);
    model.dispose();
  });
});

describe('character encoder: spec checks', () => {
  const problems = (spec: unknown) => {
    const result = validateSpec(spec);
    return result.ok ? [] : result.errors.map((e) => `${e.pointer}: ${e.message}`);
  };

  it('is accepted on the first layer of a tagging model, with defaults', () => {
    const result = validateSpec({
      ...taggerSpec('lstm', true),
      layers: [
        { type: 'embedding', embeddingDim: 3, characters: {} },
        { type: 'dense', units: 'auto' },
      ],
    });
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (result.ok) {
      expect(result.spec.layers?.[0]).toMatchObject({
        characters: {
          embeddingDim: 25,
          hiddenSize: 25,
          cell: 'lstm',
          bidirectional: true,
          maxLength: 20,
          minFrequency: 1,
        },
      });
    }
  });

  it('is refused for other tasks, naming the spec path', () => {
    const classification = {
      ...taggerSpec('lstm', true),
      task: 'classification',
      layers: [
        { type: 'embedding', embeddingDim: 3, characters: {} },
        { type: 'lstm', hiddenSize: 4, returnSequences: false },
        { type: 'dense', units: 'auto' },
      ],
    };
    expect(problems(classification)).toContain(
      '/layers/0/characters: a character-level word encoder is for task "tagging" (it reads each token\'s characters), not "classification"',
    );
  });

  it('is refused on a translation encoder', () => {
    const translation = {
      version: 1,
      name: 't',
      task: 'translation',
      input: { tokenizer: { type: 'word' } },
      target: { tokenizer: { type: 'word' } },
      encoder: {
        layers: [
          { type: 'embedding', embeddingDim: 4, characters: {} },
          { type: 'gru', hiddenSize: 4 },
        ],
      },
      decoder: {
        layers: [
          { type: 'embedding', embeddingDim: 4 },
          { type: 'gru', hiddenSize: 4 },
        ],
      },
      training: { optimizer: { type: 'adam', lr: 0.01 } },
    };
    expect(problems(translation)).toEqual([
      '/encoder/layers/0/characters: a character-level word encoder is for task "tagging" (it reads each token\'s characters), not "translation"',
    ]);
  });
});
