import { describe, expect, it } from 'vitest';
import { hoverTexts } from './hover-texts.js';

describe('hoverTexts', () => {
  it('shows a one-value enum or const as the value, a longer enum as a list', () => {
    expect(hoverTexts({ enum: ['gru'] }).typeInfo).toBe('`"gru"`');
    expect(hoverTexts({ const: 1, description: 'Version.' })).toEqual({
      message: 'Version.',
      typeInfo: '`1`',
    });
    expect(hoverTexts({ enum: ['adam', 'sgd'] }).typeInfo).toBe('`one of "adam", "sgd"`');
  });

  it('shows bounds and the default beside the type', () => {
    expect(hoverTexts({ type: 'integer', minimum: 1, default: 10 }).typeInfo).toBe(
      '`integer ≥ 1, default 10`',
    );
    expect(hoverTexts({ type: 'number', exclusiveMinimum: 0, maximum: 1 }).typeInfo).toBe(
      '`number > 0 ≤ 1`',
    );
  });
});
