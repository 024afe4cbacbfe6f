// The attention heatmap on hand-made matrices: shades by weight, rows and columns where they
// belong, staggered column headers that keep long tokens whole, and sizes that do not fit refused.
import { describe, expect, it } from 'vitest';
import { attentionHeatmap, heatmapLegend, shadeOf } from './attention-heatmap.js';

describe('shadeOf', () => {
  it.each([
    [0, ' '],
    [0.12, ' '],
    [0.13, '░'],
    [0.25, '░'],
    [0.5, '▒'],
    [0.7, '▓'],
    [0.9, '█'],
    [1, '█'],
    [-0.5, ' '],
    [1.5, '█'],
  ])('weight %d is %j', (weight, shade) => {
    expect(shadeOf(weight)).toBe(shade);
  });

  it('spreads any shade string evenly over [0, 1]', () => {
    expect([0, 0.3, 0.6, 1].map((w) => shadeOf(w, '.o#'))).toEqual(['.', 'o', 'o', '#']);
  });

  it('has a legend giving where each shade starts', () => {
    expect(heatmapLegend()).toBe('weights: ░ ≥ 0.125  ▒ ≥ 0.375  ▓ ≥ 0.625  █ ≥ 0.875');
  });
});

describe('attentionHeatmap', () => {
  it('draws one row per output token and one cell per source token, shaded by weight', () => {
    const lines = attentionHeatmap({
      sourceTokens: ['a', 'b', 'c'],
      outputTokens: ['x', 'yy'],
      weights: [
        [1, 0, 0],
        [0.25, 0.5, 0.25],
      ],
    });
    expect(lines).toEqual([
      // Labels 1 character long fit their 2-character columns on one line.
      '    a b c',
      'x   ██',
      'yy  ░░▒▒░░',
    ]);
  });

  it('staggers long source tokens over several lines, each joined to its column', () => {
    const lines = attentionHeatmap({
      sourceTokens: ['i', 'am', 'tired', '.', '<eos>'],
      outputTokens: ['je', 'suis', 'fatigue', '.', '<eos>'],
      weights: [
        [0.9, 0.1, 0, 0, 0],
        [0, 0.7, 0.3, 0, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 0, 0.6, 0.4],
        [0, 0, 0, 0, 1],
      ],
    });
    expect(lines).toEqual([
      '           am',
      '           │ tired',
      '         i │ │ . <eos>',
      'je       ██',
      'suis       ▓▓░░',
      'fatigue      ██',
      '.              ▒▒▒▒',
      '<eos>            ██',
    ]);
    // Every header token is whole, and its first character sits over its column (or a "│" leads
    // down to it from there).
    const grid = lines.slice(0, 3);
    ['i', 'am', 'tired', '.', '<eos>'].forEach((token, j) => {
      const column = 9 + 2 * j; // after the widest row label and 2 spaces
      const line = grid.findIndex((l) => l.slice(column).startsWith(token));
      expect(line, token).toBeGreaterThanOrEqual(0);
      for (const below of grid.slice(line + 1)) expect(below[column], token).toBe('│');
    });
  });

  it('keeps a token on the lowest free line: right neighbours shorter than the gap stay level', () => {
    const lines = attentionHeatmap(
      {
        sourceTokens: ['bonjour', 'a', 'b'],
        outputTokens: ['hi'],
        weights: [[0.2, 0.2, 0.6]],
      },
      { cellWidth: 3 },
    );
    expect(lines).toEqual(['    bonjour', '    │  a  b', 'hi  ░░░░░░▒▒▒']);
  });

  it('cuts long row labels with an ellipsis', () => {
    const lines = attentionHeatmap(
      { sourceTokens: ['x'], outputTokens: ['anticonstitutionnellement'], weights: [[1]] },
      { maxLabelWidth: 8 },
    );
    expect(lines).toEqual(['          x', 'anticon…  ██']);
  });

  it('draws an empty translation as its header alone', () => {
    expect(attentionHeatmap({ sourceTokens: ['<eos>'], outputTokens: [], weights: [] })).toEqual([
      '  <eos>',
    ]);
  });

  it.each([
    [
      { sourceTokens: ['a'], outputTokens: ['x', 'y'], weights: [[1]] },
      'attention has 1 rows for 2 output tokens',
    ],
    [
      { sourceTokens: ['a', 'b'], outputTokens: ['x'], weights: [[1]] },
      'attention row 0 ("x") has 1 weights for 2 source tokens',
    ],
    [
      { sourceTokens: ['a', 'b'], outputTokens: ['x'], weights: [[0.5, Number.NaN]] },
      'attention row 0 ("x") has weight NaN for source token 1 ("b")',
    ],
  ])('refuses weights that do not fit the tokens (%#)', (map, message) => {
    expect(() => attentionHeatmap(map)).toThrow(message);
  });
});
