// The loss's gradient for every parameter of small encoder-decoders (each attention, bridge,
// combination and cell, and teacher forcing off) against central finite differences of the loss.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  randomIds,
  type Seq2seqOptions,
  seq2seqModel,
  sourceVocabulary,
  targetVocabulary,
} from '../../test/seq2seq-specs.js';
import { Random } from '../init/random.js';
import { parameterGradients } from '../train/optimizer.js';
import { seq2seqLoss } from './seq2seq-loss.js';

const B = 2;
const S = 4;
const T = 3;

const configurations: Array<[string, Seq2seqOptions, boolean?]> = [
  ['bahdanau, copy bridge, GRU', {}],
  ['luong-dot, copy bridge, RNN decoder', { decoderCell: 'rnn', attention: 'luong-dot' }],
  [
    'luong-general with input feeding, dense bridge, LSTM 2 layers from a bidirectional LSTM',
    {
      encoderCell: 'lstm',
      decoderCell: 'lstm',
      bidirectional: true,
      encoderLayers: 2,
      decoderLayers: 2,
      decoderHidden: 5,
      attention: 'luong-general',
      inputFeeding: true,
      bridge: 'dense',
    },
  ],
  [
    'luong-concat combined at the input, zeros bridge, GRU',
    { attention: 'luong-concat', attentionSize: 3, combine: 'input', bridge: 'zeros' },
  ],
  [
    'no attention, dense bridge, LSTM from a GRU',
    { attention: 'none', decoderCell: 'lstm', bridge: 'dense' },
  ],
  ['bahdanau with teacher forcing off for one row', {}, true],
];

describe('seq2seq gradients against finite differences', () => {
  for (const [name, options, feedback] of configurations) {
    it(name, async () => {
      const model = await seq2seqModel({ ...options, encoderHidden: 4, labelSmoothing: 0.1 });
      const source = randomIds(B, S, sourceVocabulary, 21);
      const target = randomIds(B, T, targetVocabulary, 22);
      const labels = randomIds(B, T, targetVocabulary, 23);
      const teacherForcing = feedback ? tf.tensor2d([1, 0, 0, 1, 1, 1], [B, T]) : undefined;
      const batch = {
        inputs: { source, sourceLengths: [4, 2], target, targetLengths: [3, 2], teacherForcing },
        targets: labels,
      };
      const loss = () => seq2seqLoss(model, batch, undefined);
      const { value, grads } = parameterGradients(model.parameters(), loss);
      value.dispose();
      const random = new Random(24);
      // With teacher forcing off the loss is smooth only between changes of a greedy choice: a
      // smaller step keeps the differences on one side of them.
      const eps = feedback ? 1e-3 : 1e-2;
      let checked = 0;
      for (const parameter of model.parameters()) {
        const grad = grads.get(parameter);
        expect(grad, `gradient of ${parameter.name}`).toBeDefined();
        const analytic = (grad as tf.Tensor).dataSync();
        const values = parameter.variable.dataSync().slice();
        for (let k = 0; k < 3; k++) {
          const i = Math.floor(random.next() * values.length);
          const at = (delta: number) => {
            const changed = values.slice();
            changed[i] = (changed[i] as number) + delta;
            tf.tidy(() => parameter.variable.assign(tf.tensor(changed, parameter.variable.shape)));
            return tf.tidy(() => loss().dataSync()[0] as number);
          };
          const numeric = (at(eps) - at(-eps)) / (2 * eps);
          tf.tidy(() => parameter.variable.assign(tf.tensor(values, parameter.variable.shape)));
          const g = analytic[i] as number;
          expect(Math.abs(numeric - g), `${parameter.name}[${i}]: ${g} vs ${numeric}`).toBeLessThan(
            2e-3 + 2e-2 * Math.abs(g),
          );
          if (Math.abs(g) > 1e-3) checked++;
        }
      }
      // Most of the sampled entries have a gradient worth the name.
      expect(checked).toBeGreaterThan(model.parameters().length / 2);
      tf.dispose([
        ...grads.values(),
        source,
        target,
        labels,
        ...(teacherForcing ? [teacherForcing] : []),
      ]);
      model.dispose();
    });
  }
});
