import { describe, expect, it } from 'vitest';
import { checkSpecText, offsetOf, pointerDiagnostic } from './diagnostics.js';

// A valid spec, one property a line, so each problem's line is known by reading it.
const valid = `{
  "version": 1,
  "name": "probe",
  "task": "classification",
  "input": { "tokenizer": { "type": "word" } },
  "layers": [
    { "type": "embedding", "embeddingDim": 16 },
    { "type": "lstm", "hiddenSize": 16 },
    { "type": "pool", "mode": "last" },
    { "type": "dense", "units": "auto" }
  ],
  "training": { "epochs": 1, "batchSize": 8, "optimizer": { "type": "adam" } }
}
`;

function marked(text: string, from: number, to: number): string {
  return text.slice(from, to);
}

describe('checkSpecText', () => {
  it('finds no problem in a valid spec', () => {
    const { result, diagnostics } = checkSpecText(valid);
    expect(result.ok).toBe(true);
    expect(diagnostics).toEqual([]);
  });

  it('marks a misspelled layer type on its line, the whole value, with the suggestion', () => {
    const text = valid.replace('"type": "lstm"', '"type": "lstn"');
    const { diagnostics } = checkSpecText(text);
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d?.line).toBe(8);
    expect(marked(text, d?.from ?? 0, d?.to ?? 0)).toBe('"lstn"');
    expect(d?.kind).toBe('schema');
    expect(d?.pointer).toBe('/layers/1/type');
    expect(d?.message).toContain('layers[1].type: unknown layer type "lstn"');
    expect(d?.message).toContain('(did you mean "lstm"?)');
  });

  it('marks a missing comma at the line of the token after it', () => {
    // Line 4 lost its comma: the parser meets "input" on line 5 where it wanted ','.
    const text = valid.replace('"task": "classification",', '"task": "classification"');
    const { diagnostics } = checkSpecText(text);
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d?.kind).toBe('syntax');
    expect(d?.line).toBe(5);
    expect(marked(text, d?.from ?? 0, d?.to ?? 0)).toBe('"');
    expect(d?.message).toBe("invalid JSON: expected ',' between items");
  });

  it('marks a trailing comma on its own line', () => {
    const text = valid.replace(
      '{ "type": "dense", "units": "auto" }',
      '{ "type": "dense", "units": "auto" },',
    );
    const { diagnostics } = checkSpecText(text);
    expect(diagnostics[0]?.message).toBe('invalid JSON: trailing commas are not allowed in JSON');
    // The parser stops at the "]" of line 11; the mark is the "]", visible on that line.
    expect(diagnostics[0]?.line).toBe(11);
    expect(marked(text, diagnostics[0]?.from ?? 0, diagnostics[0]?.to ?? 0)).toBe(']');
  });

  it('marks an unclosed object at the end of the text on the last line, not past it', () => {
    const text = '{\n  "version": 1,\n  "task": "classification"\n';
    const { diagnostics } = checkSpecText(text);
    expect(diagnostics[0]?.kind).toBe('syntax');
    const d = diagnostics[0];
    expect(d && d.to > d.from).toBe(true);
    expect(d?.to).toBeLessThanOrEqual(text.length);
  });

  it('marks an unknown property at its name, with the suggestion', () => {
    const text = valid.replace('"batchSize": 8', '"batchSise": 8');
    const { diagnostics } = checkSpecText(text);
    const d = diagnostics.find((x) => x.message.includes('batchSise'));
    expect(d?.line).toBe(12);
    expect(marked(text, d?.from ?? 0, d?.to ?? 0)).toBe('"batchSise"');
    expect(d?.message).toBe('training: unknown property "batchSise" (did you mean "batchSize"?)');
  });

  it('marks a missing required property at the key of the object that lacks it', () => {
    // Without an optimizer the training object is incomplete: the mark is its key, line 12.
    const text = valid.replace(', "optimizer": { "type": "adam" }', '');
    const { diagnostics } = checkSpecText(text);
    expect(diagnostics.length).toBeGreaterThan(0);
    const d = diagnostics.find((x) => x.pointer === '/training/optimizer');
    expect(d?.message).toBe('training: missing required property "optimizer"');
    expect(d?.line).toBe(12);
    expect(marked(text, d?.from ?? 0, d?.to ?? 0)).toBe('"training"');
  });

  it('marks a semantic problem (pool after pool) on the offending layer, with its message', () => {
    // A second pool on line 10: the first already returns one vector per row.
    const text = valid.replace(
      '{ "type": "pool", "mode": "last" },\n',
      '{ "type": "pool", "mode": "last" },\n    { "type": "pool", "mode": "mean" },\n',
    );
    const { diagnostics } = checkSpecText(text);
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d?.kind).toBe('semantic');
    expect(d?.line).toBe(10);
    expect(d?.message).toMatch(/^layers\[3\]\S*: pool needs a sequence/);
  });

  it('keeps offsets right after a byte-order mark', () => {
    const text = `\ufeff${valid.replace('"type": "lstm"', '"type": "lstn"')}`;
    const [d] = checkSpecText(text).diagnostics;
    expect(text.slice(d?.from ?? 0, d?.to ?? 0)).toBe('"lstn"');
    expect(d?.line).toBe(8);
  });
});

describe('pointerDiagnostic', () => {
  it('places a pointer at its value, array indices counted over values only', () => {
    const d = pointerDiagnostic(valid, '/layers/2/mode', 'bad');
    expect(valid.slice(d.from, d.to)).toBe('"last"');
    expect(d.line).toBe(9);
  });

  it('places an object value at its key', () => {
    const d = pointerDiagnostic(valid, '/training', 'bad');
    expect(valid.slice(d.from, d.to)).toBe('"training"');
  });

  it('falls back to the nearest existing ancestor', () => {
    const d = pointerDiagnostic(valid, '/training/schedule/warmup', 'bad');
    expect(valid.slice(d.from, d.to)).toBe('"training"');
    expect(d.line).toBe(12);
  });

  it('decodes ~1 and ~0 in pointer segments', () => {
    const text = '{\n  "a/b": 1,\n  "c~d": 2\n}';
    expect(text.slice(pointerDiagnostic(text, '/a~1b', '').from).startsWith('1')).toBe(true);
    expect(pointerDiagnostic(text, '/c~0d', '').line).toBe(3);
  });
});

describe('offsetOf', () => {
  it('counts lines and columns from 1 and clamps to the line', () => {
    const text = 'ab\ncde\nf';
    expect(offsetOf(text, 1, 1)).toBe(0);
    expect(offsetOf(text, 2, 2)).toBe(4);
    expect(offsetOf(text, 2, 99)).toBe(6);
    expect(offsetOf(text, 9, 1)).toBe(text.length);
  });
});
