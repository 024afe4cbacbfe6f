import { parseSpec } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { defaultExample, examples, taskOfSpecText } from './examples.js';

describe('examples', () => {
  const own = examples.filter((e) => e.source === 'playground');

  it('has one playground example per task', () => {
    expect(own.map((e) => e.task).sort()).toEqual([
      'classification',
      'forecasting',
      'generation',
      'tagging',
      'translation',
    ]);
  });

  it('lists the repository specs/examples too', () => {
    expect(examples.some((e) => e.id === 'repository/sentiment-small')).toBe(true);
    expect(examples.filter((e) => e.source === 'repository').length).toBeGreaterThanOrEqual(10);
  });

  it.each(own.map((e) => [e.id, e] as const))('%s is a valid spec', (_id, example) => {
    const result = parseSpec(example.specText);
    expect(result.errors).toEqual([]);
  });

  it('opens with the classification example', () => {
    expect(defaultExample.id).toBe('playground/sentiment-bigru');
    expect(taskOfSpecText(defaultExample.specText)).toBe('classification');
    expect(taskOfSpecText('{ "task": "regression" }')).toBeUndefined();
    expect(taskOfSpecText('{ nope')).toBeUndefined();
  });
});
