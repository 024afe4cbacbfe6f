import { modelSchema } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { editorSchema } from './editor-schema.js';

describe('editorSchema', () => {
  const converted = editorSchema(modelSchema) as {
    definitions: Record<string, { properties?: Record<string, { enum?: unknown[] }> }>;
    properties: { layers: { items: { $ref: string } } };
  };
  const text = JSON.stringify(converted);

  it('moves $defs to definitions and every reference with them', () => {
    expect(text).not.toContain('$defs');
    expect(converted.properties.layers.items.$ref).toBe('#/definitions/layer');
    for (const [, ref] of text.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g))
      expect(converted.definitions[ref as string]).toBeDefined();
  });

  it('adds a one-value enum beside each const, and drops the discriminator', () => {
    expect(converted.definitions.lstmLayer?.properties?.type?.enum).toEqual(['lstm']);
    expect(text).not.toContain('discriminator');
  });

  it('leaves the original schema untouched', () => {
    expect(JSON.stringify(modelSchema)).toContain('"$defs"');
  });
});
