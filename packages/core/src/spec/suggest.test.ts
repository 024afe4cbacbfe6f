import { describe, expect, it } from 'vitest';
import { closestMatch } from './suggest.js';

describe('closestMatch', () => {
  const layerTypes = ['embedding', 'rnn', 'lstm', 'gru', 'dropout', 'dense', 'pool'];
  it.each([
    ['lstmm', 'lstm'],
    ['LSTM', 'lstm'],
    ['grue', 'gru'],
    ['embeding', 'embedding'],
    ['drop_out', 'dropout'],
  ])('%s -> %s', (input, expected) => {
    expect(closestMatch(input, layerTypes)).toBe(expected);
  });

  it.each(['transformer', 'conv1d', 'x', ''])(
    '%s -> nothing (too far from every candidate)',
    (input) => {
      expect(closestMatch(input, layerTypes)).toBeUndefined();
    },
  );

  it('returns nothing without candidates', () => {
    expect(closestMatch('lstm', [])).toBeUndefined();
  });
});
