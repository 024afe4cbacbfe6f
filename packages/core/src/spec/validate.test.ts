import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelSchema } from './schema.generated.js';
import { parseSpec, type SpecResult, validateSpec } from './validate.js';

const repo = join(import.meta.dirname, '../../../..');
const examplesDir = join(repo, 'specs/examples');
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.json'));

describe('example specs', () => {
  it('has one example per task', () => {
    const tasks = exampleFiles.map(
      (f) => (JSON.parse(readFileSync(join(examplesDir, f), 'utf8')) as { task: string }).task,
    );
    expect(new Set(tasks)).toEqual(
      new Set(['classification', 'generation', 'translation', 'forecasting', 'tagging']),
    );
  });

  it.each(exampleFiles)('%s is valid and names the schema', (file) => {
    const text = readFileSync(join(examplesDir, file), 'utf8');
    const result = parseSpec(text);
    expect(result.errors).toEqual([]);
    expect((JSON.parse(text) as { $schema: string }).$schema).toBe('../model.schema.json');
  });
});

describe('defaults', () => {
  const minimal = {
    version: 1,
    name: 'm',
    task: 'classification',
    input: { tokenizer: { type: 'char' } },
    layers: [
      { type: 'embedding', embeddingDim: 4 },
      { type: 'gru', hiddenSize: 3 },
      { type: 'pool', mode: 'max' },
      { type: 'dense', units: 2 },
    ],
    training: { optimizer: { type: 'adam' } },
  };

  it('fills in PyTorch-like defaults', () => {
    const result = validateSpec(minimal);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [embedding, gru, , dense] = result.spec.layers ?? [];
    expect(embedding).toEqual({
      type: 'embedding',
      embeddingDim: 4,
      paddingIdx: 0,
      unknownIdx: 1,
      wordDropout: 0,
      init: 'pytorch-default',
      trainable: true,
    });
    expect(gru).toEqual({
      type: 'gru',
      hiddenSize: 3,
      numLayers: 1,
      bidirectional: false,
      dropout: 0,
      bias: true,
      returnSequences: true,
    });
    expect(dense).toEqual({
      type: 'dense',
      units: 2,
      activation: 'linear',
      bias: true,
      init: 'pytorch-default',
    });
    expect(result.spec.training).toEqual({
      optimizer: {
        type: 'adam',
        lr: 0.001,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
      },
      epochs: 10,
      batchSize: 32,
      labelSmoothing: 0,
      gradientAccumulation: 1,
      seed: 0,
    });
    expect(result.spec.input?.tokenizer).toEqual({
      type: 'char',
      lowercase: false,
      normalize: 'NFC',
      splitPunctuation: true,
      rules: 'basic',
      lettersOnly: false,
    });
  });

  it('never changes the caller’s object', () => {
    const before = JSON.stringify(minimal);
    validateSpec(minimal);
    expect(JSON.stringify(minimal)).toBe(before);
  });

  it('is idempotent: a resolved spec validates to itself', () => {
    const once = validateSpec(minimal);
    if (!once.ok) throw new Error('invalid');
    const twice = validateSpec(once.spec);
    expect(twice.ok && twice.spec).toEqual(once.spec);
  });

  it('applies every default the schema declares on a property it reaches', () => {
    // Walk the schema: any property with a default that ajv could not fill would show up here as
    // a default nested inside anyOf/oneOf branches without a discriminator (ajv ignores those).
    const misplaced: string[] = [];
    const walk = (node: unknown, path: string, inUnion: boolean) => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'default' && inUnion) misplaced.push(path);
        const union = key === 'anyOf' || key === 'not';
        walk(value, `${path}/${key}`, inUnion || union);
      }
    };
    walk(modelSchema, '#', false);
    expect(misplaced).toEqual([]);
  });
});

/** A spec with no errors, or errors that each say what is wrong (a kind, a pointer, a message). */
function expectExplained(result: SpecResult, kinds: string[]): void {
  if (result.ok) {
    expect(result.errors).toEqual([]);
    expect(result.spec.version).toBe(1);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(kinds).toContain(error.kind);
    expect(error.pointer).toMatch(/^(\/.*)?$/);
    expect(error.message.trim()).not.toBe('');
    if (error.kind === 'syntax') expect(error.message).toMatch(/^invalid JSON: /);
  }
}

describe('robustness', () => {
  it('validateSpec never throws on arbitrary JSON, and explains every refusal', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const result = validateSpec(value);
        // Random JSON never has a spec's required fields (version 1, name, task, layers...).
        expect(result.ok).toBe(false);
        expect(result.errors.length).toBeGreaterThan(0);
        expectExplained(result, ['schema', 'semantic']);
        // Something that is not an object is refused at the root, saying what a spec is.
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          expect(result.errors.map((e) => e.pointer)).toContain('');
        }
      }),
      { numRuns: 500 },
    );
  });

  it('validateSpec never throws on spec-shaped objects with arbitrary values, and explains', () => {
    const key = fc.constantFrom(
      'version',
      'name',
      'task',
      'input',
      'layers',
      'training',
      'decoder',
      'encoder',
      'decoding',
      'forecasting',
      'type',
      'hiddenSize',
      'units',
      'optimizer',
      'tokenizer',
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 1 }),
        fc.constantFrom(
          'lstm',
          'gru',
          'rnn',
          'embedding',
          'pool',
          'dense',
          'translation',
          'classification',
          'adam',
          'sgd',
          1,
          0,
          -1,
          'auto',
        ),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(key, tie('node'), { maxKeys: 6 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (spec) => {
        expectExplained(validateSpec({ version: 1, ...spec }), ['schema', 'semantic']);
      }),
      { numRuns: 1000 },
    );
  });

  it('validateSpec reports non-JSON values instead of throwing', () => {
    expect(validateSpec(undefined).errors[0]?.message).toBe(
      'the spec must be a JSON object (got undefined)',
    );
    expect(validateSpec({ big: 10n }).errors[0]?.message).toMatch(
      /^the spec is not plain JSON data: /,
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(validateSpec(cyclic).errors[0]?.message).toMatch(/^the spec is not plain JSON data: /);
  });

  it('parseSpec never throws on arbitrary text, and explains every refusal', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), (text) => {
        expectExplained(parseSpec(text), ['syntax', 'schema', 'semantic']);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('shipped schema', () => {
  it('packages/core/schema.json is the schema in specs/ byte for byte', () => {
    expect(readFileSync(join(repo, 'packages/core/schema.json'), 'utf8')).toBe(
      readFileSync(join(repo, 'specs/model.schema.json'), 'utf8'),
    );
  });

  it('the schema module equals the schema file', () => {
    expect(modelSchema).toEqual(
      JSON.parse(readFileSync(join(repo, 'specs/model.schema.json'), 'utf8')),
    );
  });
});
