// The gates module's binary: built from assembly/gates.ts (the committed bytes are what the source
// compiles to now), shaped to live inside tfjs-backend-wasm's memory (imports that memory, no data,
// no globals such as a stack pointer, no start function), and its exp-based activations within
// 2 float32 ulps of the same functions computed in double precision with Math.exp / Math.tanh.
import { readFile } from 'node:fs/promises';
import { columnSums } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { compileGates, generatedModule, generatedPath } from '../../../scripts/build-gates.mjs';
import { gatesWasm, gatesWasmShared } from './gates-wasm.generated.js';
import { gateKernels } from './module.js';

const bytes = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/** A binary's sections by id, with the import section's entries parsed. */
function sections(binary: Uint8Array) {
  let at = 8; // magic and version
  const leb = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = binary[at++] as number;
      value |= (byte & 0x7f) << shift;
      shift += 7;
      if (!(byte & 0x80)) return value >>> 0;
    }
  };
  const name = () => {
    const n = leb();
    const text = new TextDecoder().decode(binary.subarray(at, at + n));
    at += n;
    return text;
  };
  const ids: number[] = [];
  const imports: Array<{ module: string; field: string; kind: number; flags?: number }> = [];
  while (at < binary.length) {
    const id = binary[at++] as number;
    const size = leb();
    const end = at + size;
    ids.push(id);
    if (id === 2) {
      const count = leb();
      for (let k = 0; k < count; k++) {
        const entry = { module: name(), field: name(), kind: binary[at++] as number };
        imports.push(entry.kind === 2 ? { ...entry, flags: binary[at] as number } : entry);
        at = end; // only the first entry's details are read (there is one)
      }
    }
    at = end;
  }
  return { ids, imports };
}

const DATA = 11;
const DATA_COUNT = 12;
const GLOBAL = 6;
const START = 8;

describe('the gates module binary', () => {
  it('is what assembly/gates.ts compiles to now (the generated module is not stale)', async () => {
    const fresh = await compileGates();
    expect(Buffer.from(fresh.plain).toString('base64')).toBe(gatesWasm);
    expect(Buffer.from(fresh.shared).toString('base64')).toBe(gatesWasmShared);
    expect(await readFile(generatedPath, 'utf8')).toBe(generatedModule(fresh));
  }, 60_000);

  for (const [variant, base64, flags] of [
    ['ordinary', gatesWasm, 0x00], // memory limits: a minimum, no maximum
    ['shared', gatesWasmShared, 0x03], // shared, with a maximum
  ] as const) {
    it(`(${variant} memory) imports only env.memory and has no data, globals or start`, () => {
      const { ids, imports } = sections(bytes(base64));
      expect(imports).toEqual([{ module: 'env', field: 'memory', kind: 2, flags }]);
      for (const id of [DATA, DATA_COUNT, GLOBAL, START]) expect(ids).not.toContain(id);
      expect(WebAssembly.validate(bytes(base64))).toBe(true);
    });
  }
});

/** Distance in float32 ulps (values of the same sign; 0 and −0 are equal). */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat32(0, a);
  view.setFloat32(4, b);
  if (a === b) return 0;
  if (Math.sign(a) !== Math.sign(b)) return Number.POSITIVE_INFINITY;
  return Math.abs(view.getInt32(0) - view.getInt32(4));
}

describe('the gates module activations (through an LSTM step with no recurrent input)', () => {
  // gates = [σ(x), σ(x), tanh(x), σ(x)] for xw = x in every gate, hh = 0, c = 0.
  const sweep: number[] = [];
  for (let x = -100; x <= 100; x += 0.0037) sweep.push(x);
  for (let e = -30; e <= 2; e++) sweep.push(10 ** e, -(10 ** e), 3 * 10 ** e, -3 * 10 ** e);
  sweep.push(
    0,
    -0,
    0.625,
    -0.625,
    0.62499994,
    17,
    -17,
    87.3,
    -87.3,
    -87.4,
    88.8,
    -88.8,
    1e30,
    -1e30,
  );
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const xs = Float32Array.from([...sweep, ...specials]);
  const H = xs.length; // not a multiple of 4: the tail runs too

  const memory = new WebAssembly.Memory({ initial: Math.ceil((64 * H + 64) / 65536) + 1 });
  const kernels = gateKernels(memory);
  if (!kernels) throw new Error('the gates module did not instantiate');
  const f32 = (at: number, n: number) => new Float32Array(memory.buffer, at, n);
  const xw = 16;
  const hh = xw + 16 * H;
  const c = hh + 16 * H;
  const h = c + 4 * H;
  const gates = h + 4 * H;
  const extra = gates + 16 * H;
  const output = extra + 4 * H;
  for (let g = 0; g < 4; g++) f32(xw + 4 * g * H, H).set(xs);
  kernels.lstmForward(xw, hh, 0, h, c, gates, extra, output, 1, H);
  const sigmoid = f32(gates, H);
  const tanh = f32(gates + 8 * H, H);

  it('sigmoid within 2 ulps of 1 / (1 + Math.exp(−x)); 0 where that is below 2^−126', () => {
    for (let k = 0; k < sweep.length; k++) {
      const x = xs[k] as number;
      const expected = Math.fround(1 / (1 + Math.exp(-x)));
      const got = sigmoid[k] as number;
      if (expected < 2 ** -126) {
        expect(got, `sigmoid(${x})`).toBe(0); // never a subnormal (slow in every later product)
        continue;
      }
      const d = ulps(got, expected);
      if (d > 2) expect.fail(`sigmoid(${x}) = ${got}, expected ${expected} (${d} ulps)`);
    }
  });

  it('tanh within 2 ulps of Math.tanh(x)', () => {
    for (let k = 0; k < sweep.length; k++) {
      const x = xs[k] as number;
      const expected = Math.fround(Math.tanh(x));
      const got = tanh[k] as number;
      const d = ulps(got, expected);
      if (d > 2) expect.fail(`tanh(${x}) = ${got}, expected ${expected} (${d} ulps)`);
    }
  });

  it('NaN propagates and ±∞ saturate', () => {
    const at = (name: Float32Array, k: number) => name[sweep.length + k] as number;
    expect(at(sigmoid, 0)).toBeNaN();
    expect(at(tanh, 0)).toBeNaN();
    expect([at(sigmoid, 1), at(sigmoid, 2)]).toEqual([1, 0]);
    expect([at(tanh, 1), at(tanh, 2)]).toEqual([1, -1]);
  });
});

describe('the gates module transpose and column sums', () => {
  // 37 × 70: several 32 × 32 tiles, 4 × 4 blocks and both tails.
  const rows = 37;
  const cols = 70;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const kernels = gateKernels(memory);
  if (!kernels) throw new Error('the gates module did not instantiate');
  const x = Float32Array.from({ length: rows * cols }, (_, k) => Math.sin(k) * 10 ** ((k % 7) - 3));
  const from = 64;
  const to = from + 4 * rows * cols;
  new Float32Array(memory.buffer, from, rows * cols).set(x);

  it('transposes exactly', () => {
    kernels.transpose(from, to, rows, cols);
    const got = new Float32Array(memory.buffer, to, rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++)
        expect(got[c * rows + r], `[${r}, ${c}]`).toBe(x[r * cols + c]);
    }
  });

  it("sums columns in row order, bit for bit as core's columnSums", () => {
    kernels.columnSums(from, rows, cols, to);
    const expected = new Float32Array(cols);
    columnSums(x, rows, cols, expected);
    expect(new Float32Array(memory.buffer, to, cols)).toEqual(expected);
  });
});
