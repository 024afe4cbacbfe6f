import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from './safetensors.js';

/** Builds a file from a header object and data bytes, with an optional header-length override. */
function file(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  lengthOverride?: bigint,
): Uint8Array {
  const text = new TextEncoder().encode(
    typeof header === 'string' ? header : JSON.stringify(header),
  );
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const f32 = (n: number) => new Uint8Array(n * 4);

describe('safetensors round trip', () => {
  it('writes and reads F32, I32 and I64 tensors with metadata', () => {
    const bytes = writeSafetensors(
      {
        'b.weight': {
          dtype: 'F32',
          shape: [2, 3],
          data: Float32Array.from([1, -2.5, 3, 4, 5e-8, Number.MAX_VALUE]),
        },
        'a.ids': { dtype: 'I64', shape: [3], data: Int32Array.from([0, -7, 2147483647]) },
        'c.n': { dtype: 'I32', shape: [], data: Int32Array.from([42]) },
      },
      { format: 'pt' },
    );
    const parsed = readSafetensors(bytes);
    expect(parsed.names()).toEqual(['a.ids', 'b.weight', 'c.n']);
    expect(parsed.metadata).toEqual({ format: 'pt' });
    expect(Array.from(parsed.float32('b.weight'))).toEqual(
      Array.from(Float32Array.from([1, -2.5, 3, 4, 5e-8, Number.MAX_VALUE])),
    );
    expect(Array.from(parsed.int32('a.ids'))).toEqual([0, -7, 2147483647]);
    expect(Array.from(parsed.int32('c.n'))).toEqual([42]);
    expect((8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))) % 8).toBe(0); // data stays aligned
  });

  it('reads the PyTorch-written parity fixtures', () => {
    const path = join(
      import.meta.dirname,
      '../../../../fixtures/parity/lstm_1l/weights.safetensors',
    );
    const parsed = readSafetensors(new Uint8Array(readFileSync(path)), path);
    expect(parsed.names()).toEqual(['bias_hh_l0', 'bias_ih_l0', 'weight_hh_l0', 'weight_ih_l0']);
    expect(parsed.entry('weight_ih_l0').shape).toEqual([24, 4]);
  });

  it('decodes F16 and BF16 to float32', () => {
    const f16 = new Uint8Array(8);
    const v = new DataView(f16.buffer);
    for (const [i, h] of [0x3c00, 0xc000, 0x7bff, 0x0001].entries()) v.setUint16(i * 2, h, true); // 1, -2, 65504, 2^-24
    expect(
      Array.from(
        readSafetensors(
          file({ h: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }, f16),
        ).float32('h'),
      ),
    ).toEqual([1, -2, 65504, 2 ** -24]);
    const bf16 = new Uint8Array(4);
    const w = new DataView(bf16.buffer);
    for (const [i, h] of [0x3f80, 0xc0a0].entries()) w.setUint16(i * 2, h, true); // 1, -5
    expect(
      Array.from(
        readSafetensors(
          file({ b: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, bf16),
        ).float32('b'),
      ),
    ).toEqual([1, -5]);
  });
});

describe('safetensors bad-input table', () => {
  const one = { t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, Uint8Array, string][] = [
    [
      'empty file',
      new Uint8Array(0),
      'x.st: file is 0 bytes, too short for the 8-byte header length',
    ],
    [
      'truncated length',
      new Uint8Array(5),
      'x.st: file is 5 bytes, too short for the 8-byte header length',
    ],
    [
      'header length past the end',
      file(one, f32(2), 500n),
      'x.st: header length 500 runs past the end of the file',
    ],
    [
      '100 MB header claim',
      file(one, f32(2), 100_000_001n),
      'x.st: header length 100000001 exceeds the 100000000-byte limit (corrupt or not a safetensors file)',
    ],
    ['huge header claim (2^63)', file(one, f32(2), 2n ** 63n), 'exceeds the 100000000-byte limit'],
    ['non-JSON header', file('{"t": {dtype', f32(2)), 'x.st: header is not valid JSON'],
    ['header is an array', file([1, 2]), 'x.st: header must be a JSON object'],
    [
      'header not UTF-8',
      (() => {
        const b = file('{"a":1}');
        b[10] = 0xff;
        return b;
      })(),
      'x.st: header is not valid UTF-8',
    ],
    [
      'truncated data',
      file(one, f32(1)),
      'x.st: tensor data ends at byte 8 but the file has only 4 data bytes (truncated?)',
    ],
    ['trailing garbage', file(one, f32(3)), 'x.st: 4 bytes of trailing data after the last tensor'],
    [
      'overlapping offsets',
      file(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
        },
        f32(3),
      ),
      'x.st: tensor "b" (bytes 4-12) overlaps the tensor before it (which ends at 8)',
    ],
    [
      'gap between tensors',
      file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)),
      'x.st: gap in the data: bytes 0-4 belong to no tensor',
    ],
    [
      'dtype/shape mismatch',
      file({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(2)),
      'x.st: tensor "t": F32 [3] needs 12 bytes but data_offsets span 8',
    ],
    [
      'unknown dtype',
      file({ t: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, new Uint8Array(16)),
      'x.st: tensor "t": unknown dtype "F128"',
    ],
    [
      'negative shape',
      file({ t: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }),
      'x.st: tensor "t": shape must be a list of non-negative integers',
    ],
    [
      'offsets reversed',
      file({ t: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }),
      'x.st: tensor "t": data_offsets end 0 is before begin 8',
    ],
    [
      'offsets not a pair',
      file({ t: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)),
      'x.st: tensor "t": data_offsets must be [begin, end] with non-negative integers',
    ],
    [
      'extra field',
      file({ t: { dtype: 'F32', shape: [1], data_offsets: [0, 4], code: 'rm -rf' } }, f32(1)),
      'x.st: tensor "t": unexpected field "code"',
    ],
    [
      'metadata not strings',
      file({ __metadata__: { n: 1 } }),
      'x.st: __metadata__.n must be a string',
    ],
  ];

  it.each(cases)('%s', (_name, bytes, message) => {
    expect(() => readSafetensors(bytes, 'x.st')).toThrow(message);
  });

  it('refuses to decode with the wrong accessor or out-of-range int64', () => {
    const parsed = readSafetensors(file(one, f32(2)), 'x.st');
    expect(() => parsed.int32('t')).toThrow('x.st: tensor "t" has dtype F32; expected I32 or I64');
    expect(() => parsed.float32('missing')).toThrow('x.st: no tensor named "missing"');
    const big = writeSafetensors({
      i: { dtype: 'I64', shape: [1], data: BigInt64Array.from([2n ** 40n]) },
    });
    expect(() => readSafetensors(big, 'x.st').int32('i')).toThrow(
      'x.st: tensor "i" holds 1099511627776 at index 0, outside the int32 range',
    );
  });

  it('the writer checks data length against shape', () => {
    expect(() =>
      writeSafetensors({ t: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } }),
    ).toThrow('tensor "t": shape [2, 2] holds 4 values but 3 were given');
  });
});
