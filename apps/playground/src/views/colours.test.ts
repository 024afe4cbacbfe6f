// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  heatColour,
  heatRgb,
  isOutsideTag,
  normalise,
  tagColour,
  tagEntity,
  tagPalette,
  textOnHeat,
} from './colours.js';

/** Relative luminance (WCAG) of an sRGB colour. */
function luminance([r, g, b]: readonly number[]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r as number) + 0.7152 * linear(g as number) + 0.0722 * linear(b as number);
}

describe('heat colour scale', () => {
  it('runs from viridis purple at the minimum to viridis yellow at the maximum', () => {
    expect(heatColour(0)).toBe('rgb(68, 1, 84)');
    expect(heatColour(1)).toBe('rgb(253, 231, 37)');
    // The midpoint of the range is the middle stop.
    expect(heatColour(0.5)).toBe('rgb(33, 145, 140)');
    // Scaled to [min, max]: a row's largest weight is the brightest.
    expect(heatColour(0.3, 0, 0.3)).toBe('rgb(253, 231, 37)');
    // Halfway between the first two stops: (68+59)/2, (1+82)/2, (84+139)/2, rounded.
    expect(heatRgb(0.125)).toEqual([64, 42, 112]);
  });

  it('gets brighter as the weight grows, so more attention reads as lighter', () => {
    let previous = -1;
    for (let i = 0; i <= 100; i++) {
      const l = luminance(heatRgb(i / 100));
      expect(l).toBeGreaterThan(previous);
      previous = l;
    }
  });

  it('clamps out-of-range weights and treats an empty range or NaN as the minimum', () => {
    expect(heatColour(-3)).toBe(heatColour(0));
    expect(heatColour(7)).toBe(heatColour(1));
    expect(normalise(0.5, 1, 1)).toBe(0);
    expect(normalise(Number.NaN, 0, 1)).toBe(0);
    expect(normalise(0.25, 0, 0.5)).toBe(0.5);
  });

  it('writes white on the dark end and black on the bright end', () => {
    expect(textOnHeat(0)).toBe('#fff');
    expect(textOnHeat(1)).toBe('#000');
    // Whichever it picks has the better contrast ratio.
    for (let i = 0; i <= 20; i++) {
      const l = luminance(heatRgb(i / 20));
      const withBlack = (l + 0.05) / 0.05;
      const withWhite = 1.05 / (l + 0.05);
      expect(textOnHeat(i / 20)).toBe(withBlack >= withWhite ? '#000' : '#fff');
    }
  });
});

describe('tag colours', () => {
  it('reads the entity of BIO, BIOES and BILOU tags and keeps plain tags', () => {
    expect(tagEntity('B-PER')).toBe('PER');
    expect(tagEntity('I-PER')).toBe('PER');
    expect(tagEntity('E-LOC')).toBe('LOC');
    expect(tagEntity('U-ORG')).toBe('ORG');
    expect(tagEntity('NOUN')).toBe('NOUN');
    expect(tagEntity('B-fromloc.city_name')).toBe('fromloc.city_name');
    // A tag that only looks like a prefix is kept whole.
    expect(tagEntity('X-RAY')).toBe('X-RAY');
  });

  it('gives the B- and I- tags of a span one colour and leaves outside tags uncoloured', () => {
    const palette = tagPalette(['B-PER', 'I-PER', 'O', 'B-LOC']);
    expect(tagColour(palette, 'B-PER')).toBe(tagColour(palette, 'I-PER'));
    expect(tagColour(palette, 'B-PER')).not.toBe(tagColour(palette, 'B-LOC'));
    expect(tagColour(palette, 'O')).toBeUndefined();
    expect(isOutsideTag('_')).toBe(true);
    expect([...palette.keys()]).toEqual(['LOC', 'PER']);
  });

  it('gives each of the 17 UPOS tags its own colour, whatever order they come in', () => {
    const upos = 'ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X';
    const tags = upos.split(' ');
    const palette = tagPalette(tags);
    expect(new Set(palette.values()).size).toBe(17);
    const reversed = tagPalette([...tags].reverse());
    for (const tag of tags) expect(reversed.get(tag)).toBe(palette.get(tag));
  });
});
