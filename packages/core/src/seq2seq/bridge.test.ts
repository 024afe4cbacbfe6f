// The bridges against the state they must build, written out here from the encoder's final state:
// which encoder layer feeds which decoder layer, directions concatenated [forward; backward],
// cell states copied or zero, and tanh(W x + b) for the dense bridge.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxDifference } from '../../test/seq2seq-specs.js';
import { Random } from '../init/random.js';
import { createBridge, type RecurrentShape } from './bridge.js';

const B = 2;
const He = 3;

/** An encoder final state [L·D, B, He] whose entries say where they are: 1000·slot + 10·row + j. */
function encoderState(
  slots: number,
  offset = 0,
): { tensor: tf.Tensor3D; at: (slot: number, row: number) => number[] } {
  const at = (slot: number, row: number) =>
    Array.from({ length: He }, (_, j) => offset + 1000 * slot + 10 * row + j);
  const values: number[] = [];
  for (let slot = 0; slot < slots; slot++)
    for (let row = 0; row < B; row++) values.push(...at(slot, row));
  return { tensor: tf.tensor3d(values, [slots, B, He]), at };
}

const shape = (
  cell: RecurrentShape['cell'],
  numLayers: number,
  directions: 1 | 2,
  hiddenSize: number,
): RecurrentShape => ({
  cell,
  numLayers,
  directions,
  hiddenSize,
});

describe('bridge', () => {
  it('copy: decoder layer l reads encoder layer Le − Ld + l, forward and backward side by side', () => {
    // A 3-layer bidirectional LSTM encoder into a 2-layer LSTM decoder of 2 × He.
    const encoder = shape('lstm', 3, 2, He);
    const bridge = createBridge(
      'copy',
      encoder,
      shape('lstm', 2, 1, 2 * He),
      'decoder.bridge',
      new Random(1),
    );
    const h = encoderState(6);
    const c = encoderState(6, 0.5);
    const initial = bridge.initial({ h: h.tensor, c: c.tensor }, B);
    const expected = (state: typeof h) =>
      [1, 2].flatMap((layer) =>
        Array.from({ length: B }, (_, row) => [
          ...state.at(2 * layer, row),
          ...state.at(2 * layer + 1, row),
        ]).flat(),
      );
    expect(initial.h.shape).toEqual([2, B, 2 * He]);
    expect(Array.from(initial.h.dataSync())).toEqual(expected(h));
    expect(Array.from((initial.c as tf.Tensor).dataSync())).toEqual(expected(c));
    expect(bridge.layers).toEqual([]);
    tf.dispose([h.tensor, c.tensor, initial.h, initial.c as tf.Tensor]);
  });

  it('copy: a GRU encoder gives an LSTM decoder zero cell states, an LSTM encoder a GRU decoder h only', () => {
    const h = encoderState(2);
    const toLstm = createBridge(
      'copy',
      shape('gru', 2, 1, He),
      shape('lstm', 1, 1, He),
      'b',
      new Random(1),
    );
    const lstm = toLstm.initial({ h: h.tensor }, B);
    expect(Array.from(lstm.h.dataSync())).toEqual([...h.at(1, 0), ...h.at(1, 1)]);
    expect(Array.from((lstm.c as tf.Tensor).dataSync())).toEqual(new Array(B * He).fill(0));
    const c = encoderState(2, 0.5);
    const toGru = createBridge(
      'copy',
      shape('lstm', 2, 1, He),
      shape('gru', 2, 1, He),
      'b',
      new Random(1),
    );
    const gru = toGru.initial({ h: h.tensor, c: c.tensor }, B);
    expect(Array.from(gru.h.dataSync())).toEqual(
      [0, 1].flatMap((l) => [...h.at(l, 0), ...h.at(l, 1)]),
    );
    expect(gru.c).toBeUndefined();
    tf.dispose([h.tensor, c.tensor, lstm.h, lstm.c as tf.Tensor, gru.h]);
  });

  it('dense: tanh(bridge.h(state)) per layer, and bridge.c for LSTM to LSTM', () => {
    const encoder = shape('lstm', 2, 2, He);
    const decoder = shape('lstm', 2, 1, 4);
    const bridge = createBridge('dense', encoder, decoder, 'decoder.bridge', new Random(3));
    expect(
      bridge.layers.flatMap((l) => l.parameters.map((p) => `${p.name} [${p.variable.shape}]`)),
    ).toEqual([
      'decoder.bridge.h.weight [4,6]',
      'decoder.bridge.h.bias [4]',
      'decoder.bridge.c.weight [4,6]',
      'decoder.bridge.c.bias [4]',
    ]);
    // Small values, so tanh is not saturated.
    const h = encoderState(4);
    const c = encoderState(4, 0.5);
    const small = (t: tf.Tensor) => tf.mul(t, 1e-4);
    const inputs = { h: small(h.tensor), c: small(c.tensor) };
    const initial = bridge.initial(inputs, B);
    const linear = (layer: number, state: typeof h) => {
      const [W, bias] = (bridge.layers[layer] as (typeof bridge.layers)[number]).parameters.map(
        (p) => p.variable.arraySync(),
      ) as [number[][], number[]];
      return [0, 1].flatMap((l) =>
        Array.from({ length: B }, (_, row) => {
          const x = [...state.at(2 * l, row), ...state.at(2 * l + 1, row)].map((v) => v * 1e-4);
          return W.map((w, o) =>
            Math.tanh(w.reduce((s, wi, i) => s + wi * (x[i] as number), bias[o] as number)),
          );
        }).flat(),
      );
    };
    expect(maxDifference(initial.h.dataSync(), linear(0, h))).toBeLessThan(1e-6);
    expect(maxDifference((initial.c as tf.Tensor).dataSync(), linear(1, c))).toBeLessThan(1e-6);
    // A GRU encoder has no cell state to project: an LSTM decoder's c starts at 0, and no bridge.c.
    const fromGru = createBridge(
      'dense',
      shape('gru', 1, 1, He),
      shape('lstm', 1, 1, 4),
      'b',
      new Random(3),
    );
    expect(fromGru.layers.length).toBe(1);
    const gruStart = fromGru.initial({ h: inputs.h }, B);
    expect(Array.from((gruStart.c as tf.Tensor).dataSync())).toEqual(new Array(B * 4).fill(0));
    tf.dispose([
      h.tensor,
      c.tensor,
      inputs.h,
      inputs.c,
      initial.h,
      initial.c as tf.Tensor,
      gruStart.h,
      gruStart.c as tf.Tensor,
    ]);
  });

  it('zeros: a zero state of the decoder shape', () => {
    const bridge = createBridge(
      'zeros',
      shape('gru', 1, 2, He),
      shape('lstm', 2, 1, 5),
      'b',
      new Random(1),
    );
    const h = encoderState(2);
    const initial = bridge.initial({ h: h.tensor }, B);
    expect(initial.h.shape).toEqual([2, B, 5]);
    expect(Array.from(initial.h.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from((initial.c as tf.Tensor).dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([h.tensor, initial.h, initial.c as tf.Tensor]);
  });

  it('refuses what cannot be joined', () => {
    expect(() =>
      createBridge('copy', shape('gru', 1, 2, 3), shape('gru', 1, 1, 5), 'b', new Random(1)),
    ).toThrow(
      'bridge "copy": "copy" needs the encoder\'s final state size (2 directions x 3 = 6) to equal the decoder\'s hiddenSize (5)',
    );
    expect(() =>
      createBridge('dense', shape('gru', 1, 1, 3), shape('gru', 2, 1, 5), 'b', new Random(1)),
    ).toThrow("the decoder has 2 layers but the encoder's last recurrent layer only 1");
  });
});
