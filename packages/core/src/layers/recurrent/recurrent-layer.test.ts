// The hand-written backward through time must equal tfjs autograd of an independent, literal
// implementation of PyTorch's equations, for every cell, stacked, bidirectional, with lengths.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type ReferenceWeights, referenceRecurrent } from '../../../test/reference.js';
import { Random } from '../../init/random.js';
import type { ForwardContext, RecurrentState } from '../layer.js';
import { RecurrentLayer, type RecurrentLayerSpec } from './recurrent-layer.js';

interface Case {
  kind: 'rnn-tanh' | 'rnn-relu' | 'lstm' | 'gru';
  layers: number;
  bidirectional: boolean;
  bias: boolean;
  lengths?: number[];
  initialState: boolean;
}

const kinds = ['rnn-tanh', 'rnn-relu', 'lstm', 'gru'] as const;
const cases: Case[] = kinds.flatMap((kind) => [
  { kind, layers: 1, bidirectional: false, bias: true, initialState: false },
  { kind, layers: 2, bidirectional: true, bias: true, lengths: [5, 2, 4], initialState: true },
  { kind, layers: 1, bidirectional: true, bias: false, lengths: [1, 5, 3], initialState: false },
  { kind, layers: 3, bidirectional: false, bias: true, lengths: [4, 5, 1], initialState: true },
]);

function specFor(c: Case): RecurrentLayerSpec {
  const type = c.kind.startsWith('rnn') ? 'rnn' : (c.kind as 'lstm' | 'gru');
  const common = {
    hiddenSize: 4,
    numLayers: c.layers,
    bidirectional: c.bidirectional,
    dropout: 0,
    bias: c.bias,
    returnSequences: true,
  };
  return type === 'rnn'
    ? { type, nonlinearity: c.kind === 'rnn-relu' ? 'relu' : 'tanh', ...common }
    : { type, ...common };
}

function context(lengths: number[] | undefined, initial?: RecurrentState): ForwardContext {
  return {
    training: false,
    lengths: lengths ? Int32Array.from(lengths) : undefined,
    random: new Random(0),
    initialStates: new Map(initial ? [['rnn', initial]] : []),
    finalStates: new Map(),
  };
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe.each(cases)(
  '$kind layers=$layers bidirectional=$bidirectional bias=$bias lengths=$lengths h0=$initialState',
  (c) => {
    it('matches the reference forward and its autograd gradients', () => {
      const B = 3;
      const T = 5;
      const I = 3;
      const random = new Random(7);
      const layer = new RecurrentLayer('rnn', specFor(c), I, random);
      const D = c.bidirectional ? 2 : 1;
      const H = 4;
      const lstm = c.kind === 'lstm';
      tf.tidy(() => {
        const x = tf.randomNormal([B, T, I], 0, 1, 'float32', 1);
        const h0 = c.initialState
          ? tf.randomNormal([c.layers * D, B, H], 0, 1, 'float32', 2)
          : tf.zeros([c.layers * D, B, H]);
        const c0 = lstm
          ? c.initialState
            ? tf.randomNormal([c.layers * D, B, H], 0, 1, 'float32', 3)
            : tf.zeros([c.layers * D, B, H])
          : undefined;
        const probeOut = tf.randomNormal([B, T, D * H], 0, 1, 'float32', 4);
        const probeH = tf.randomNormal([c.layers * D, B, H], 0, 1, 'float32', 5);
        const probeC = tf.randomNormal([c.layers * D, B, H], 0, 1, 'float32', 6);
        const params = layer.parameters.map((p) => p.variable as tf.Tensor);
        const perDirection = c.bias ? 4 : 2;
        const lengths = c.lengths ?? [T, T, T];

        const loss = (out: tf.Tensor, h: tf.Tensor, cn: tf.Tensor | undefined) => {
          let l = tf.add(tf.sum(tf.mul(out, probeOut)), tf.sum(tf.mul(h, probeH)));
          if (cn) l = tf.add(l, tf.sum(tf.mul(cn, probeC)));
          return l as tf.Scalar;
        };
        const ours = (xs: tf.Tensor, hs: tf.Tensor, cs: tf.Tensor) => {
          const ctx = context(c.lengths, lstm ? { h: hs, c: cs } : { h: hs });
          const out = layer.forward(xs, ctx);
          const state = ctx.finalStates.get('rnn') as RecurrentState;
          return { out, h: state.h, c: state.c };
        };
        const reference = (xs: tf.Tensor, hs: tf.Tensor, cs: tf.Tensor, ps: tf.Tensor[]) => {
          const weights: ReferenceWeights[][] = Array.from({ length: c.layers }, (_, l) =>
            Array.from({ length: D }, (_, d) => {
              const base = (l * D + d) * perDirection;
              const w: ReferenceWeights = {
                wih: ps[base] as tf.Tensor,
                whh: ps[base + 1] as tf.Tensor,
              };
              if (c.bias) {
                w.bih = ps[base + 2] as tf.Tensor;
                w.bhh = ps[base + 3] as tf.Tensor;
              }
              return w;
            }),
          );
          const r = referenceRecurrent(c.kind, xs, weights, hs, lstm ? cs : undefined, lengths);
          return { out: r.output, h: r.h, c: r.c };
        };

        const a = ours(x, h0, c0 ?? tf.zeros([1]));
        const b = reference(x, h0, c0 ?? tf.zeros([1]), params);
        expect(maxDiff(a.out, b.out)).toBeLessThan(1e-5);
        expect(maxDiff(a.h, b.h)).toBeLessThan(1e-5);
        if (lstm) expect(maxDiff(a.c as tf.Tensor, b.c as tf.Tensor)).toBeLessThan(1e-5);

        const inputs = [x, h0, ...(c0 ? [c0] : []), ...params];
        const split = (all: tf.Tensor[]) => ({
          xs: all[0] as tf.Tensor,
          hs: all[1] as tf.Tensor,
          cs: (lstm ? all[2] : tf.zeros([1])) as tf.Tensor,
          ps: all.slice(lstm ? 3 : 2),
        });
        const gradsOurs = tf.grads((...all: tf.Tensor[]) => {
          const { xs, hs, cs } = split(all);
          // The parameters are the layer's own variables; pass them through so tf.grads sees them.
          const r = ours(xs, hs, cs);
          return loss(r.out, r.h, r.c);
        })(inputs);
        const gradsRef = tf.grads((...all: tf.Tensor[]) => {
          const { xs, hs, cs, ps } = split(all);
          const r = reference(xs, hs, cs, ps);
          return loss(r.out, r.h, r.c);
        })(inputs);
        // tf.grads of the variables through ours: variables are used directly, so take them from variableGrads.
        const { grads: variableGrads } = tf.variableGrads(
          () => {
            const r = ours(x, h0, c0 ?? tf.zeros([1]));
            return loss(r.out, r.h, r.c);
          },
          layer.parameters.map((p) => p.variable),
        );
        expect(maxDiff(gradsOurs[0] as tf.Tensor, gradsRef[0] as tf.Tensor)).toBeLessThan(1e-4); // dx
        expect(maxDiff(gradsOurs[1] as tf.Tensor, gradsRef[1] as tf.Tensor)).toBeLessThan(1e-4); // dh0
        if (lstm)
          expect(maxDiff(gradsOurs[2] as tf.Tensor, gradsRef[2] as tf.Tensor)).toBeLessThan(1e-4); // dc0
        layer.parameters.forEach((p, i) => {
          const reference = gradsRef[(lstm ? 3 : 2) + i] as tf.Tensor;
          expect(
            maxDiff(variableGrads[p.variable.name] as tf.Tensor, reference),
            p.name,
          ).toBeLessThan(1e-4);
        });
      });
      for (const p of layer.parameters) p.variable.dispose();
    });
  },
);

describe('variable lengths (packed-sequence semantics)', () => {
  const B = 3;
  const T = 6;
  const I = 2;
  const lengths = [6, 3, 1];
  const spec: RecurrentLayerSpec = {
    type: 'lstm',
    hiddenSize: 3,
    numLayers: 2,
    bidirectional: true,
    dropout: 0,
    bias: true,
    returnSequences: true,
  };

  it('outputs 0 past each length, and padding values change nothing (outputs, states, gradients)', () => {
    const layer = new RecurrentLayer('rnn', spec, I, new Random(3));
    tf.tidy(() => {
      const x = tf.randomNormal([B, T, I], 0, 1, 'float32', 11);
      // The same batch with different garbage in the padded positions.
      const mask = tf.tensor3d(
        Array.from({ length: B * T * I }, (_, k) =>
          Math.floor(k / I) % T < (lengths[Math.floor(k / (T * I))] as number) ? 1 : 0,
        ),
        [B, T, I],
      );
      const garbage = tf.mul(tf.sub(1, mask), tf.randomNormal([B, T, I], 0, 100, 'float32', 12));
      const x2 = tf.add(tf.mul(x, mask), garbage);
      const run = (input: tf.Tensor) => {
        const ctx = context(lengths);
        const out = layer.forward(input, ctx);
        return { out, state: ctx.finalStates.get('rnn') as RecurrentState };
      };
      const a = run(x);
      const b = run(x2);
      expect(maxDiff(a.out, b.out)).toBe(0);
      expect(maxDiff(a.state.h, b.state.h)).toBe(0);
      expect(maxDiff(a.state.c as tf.Tensor, b.state.c as tf.Tensor)).toBe(0);
      const outMask = tf.slice(mask, [0, 0, 0], [B, T, 1]);
      expect(tf.sum(tf.abs(tf.mul(a.out, tf.sub(1, outMask)))).dataSync()[0]).toBe(0);
      const gradX = (input: tf.Tensor) => tf.grad((xs: tf.Tensor) => tf.sum(run(xs).out))(input);
      const ga = gradX(x);
      const gb = gradX(x2);
      expect(maxDiff(ga, gb)).toBe(0);
      // No gradient reaches padded inputs.
      expect(tf.sum(tf.abs(tf.mul(ga, tf.sub(1, mask)))).dataSync()[0]).toBe(0);
    });
    for (const p of layer.parameters) p.variable.dispose();
  });

  it('a row of length L gives the same result as that row alone, unpadded', () => {
    const layer = new RecurrentLayer('rnn', spec, I, new Random(4));
    tf.tidy(() => {
      const x = tf.randomNormal([B, T, I], 0, 1, 'float32', 13);
      const ctx = context(lengths);
      const batched = layer.forward(x, ctx);
      const batchedH = (ctx.finalStates.get('rnn') as RecurrentState).h;
      const row = 1;
      const alone = tf.slice(x, [row, 0, 0], [1, lengths[row] as number, I]);
      const ctxAlone = context(undefined);
      const single = layer.forward(alone, ctxAlone);
      const singleH = (ctxAlone.finalStates.get('rnn') as RecurrentState).h;
      expect(
        maxDiff(tf.slice(batched, [row, 0, 0], [1, lengths[row] as number, 6]), single),
      ).toBeLessThan(1e-6);
      expect(maxDiff(tf.slice(batchedH, [0, row, 0], [4, 1, 3]), singleH)).toBeLessThan(1e-6);
    });
    for (const p of layer.parameters) p.variable.dispose();
  });

  it('rejects lengths outside 1..T and states of the wrong shape, naming the layer', () => {
    const layer = new RecurrentLayer('enc', spec, I, new Random(5));
    const x = tf.zeros([B, T, I]);
    expect(() => layer.forward(x, context([6, 0, 2]))).toThrow(
      'lengths[1] is 0; each length must be between 1 and the padded length 6 (layer "enc")',
    );
    expect(() => layer.forward(x, context([6, 7, 2]))).toThrow('lengths[1] is 7');
    expect(() => layer.forward(x, context([6, 2]))).toThrow(
      'lengths has 2 entries but the batch has 3 rows (layer "enc")',
    );
    expect(() => layer.forward(tf.zeros([B, T, 5]), context(undefined))).toThrow(
      'layer "enc" (lstm) expects input [batch, time, 2], got [3, 6, 5]',
    );
    const badState = { h: tf.zeros([2, B, 3]), c: tf.zeros([4, B, 3]) };
    const ctx: ForwardContext = {
      ...context(undefined),
      initialStates: new Map([['enc', badState]]),
    };
    expect(() => layer.forward(x, ctx)).toThrow(
      'initial state h0 of layer "enc" (lstm) must be [numLayers * directions, batch, hiddenSize] = [4, 3, 3], got [2, 3, 3]',
    );
    tf.dispose([x, badState.h, badState.c]);
    for (const p of layer.parameters) p.variable.dispose();
  });
});

describe('dropout between stacked layers', () => {
  it('is active only in training, and never on the last layer output', () => {
    const spec: RecurrentLayerSpec = {
      type: 'gru',
      hiddenSize: 8,
      numLayers: 2,
      bidirectional: false,
      dropout: 0.5,
      bias: true,
      returnSequences: true,
    };
    const layer = new RecurrentLayer('rnn', spec, 4, new Random(1));
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 3);
      const evalA = layer.forward(x, context(undefined));
      const evalB = layer.forward(x, context(undefined));
      expect(maxDiff(evalA, evalB)).toBe(0);
      const train = (seed: number) =>
        layer.forward(x, { ...context(undefined), training: true, random: new Random(seed) });
      expect(maxDiff(train(1), train(1))).toBe(0); // seeded: reproducible
      expect(maxDiff(train(1), evalA)).toBeGreaterThan(1e-3);
      expect(maxDiff(train(1), train(2))).toBeGreaterThan(1e-3);
    });
    for (const p of layer.parameters) p.variable.dispose();
  });
});

describe('memory', () => {
  it('returns to the tensor baseline after 20 forward/backward steps', () => {
    const spec: RecurrentLayerSpec = {
      type: 'lstm',
      hiddenSize: 6,
      numLayers: 2,
      bidirectional: true,
      dropout: 0.2,
      bias: true,
      returnSequences: false,
    };
    const layer = new RecurrentLayer('rnn', spec, 3, new Random(2));
    const x = tf.randomNormal([4, 7, 3]);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 20; step++) {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(layer.forward(x, { ...context([7, 3, 5, 1]), training: true })) as tf.Scalar,
      );
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    for (const p of layer.parameters) p.variable.dispose();
  });
});
