// Safetensors (https://github.com/huggingface/safetensors) reader and writer. The format is an
// 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, then the
// raw little-endian tensor bytes. The reader is strict: every structural problem is an error that
// names it, and nothing in a file is ever executed.

/** Bytes per element of every dtype the format defines. */
const dtypeSizes: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** Header lengths above this are refused before anything is allocated (the reference limit). */
export const maxHeaderBytes = 100_000_000;

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

export interface TensorEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Byte range inside the data section. */
  readonly begin: number;
  readonly end: number;
}

/** A parsed safetensors file: its entries and metadata; tensor data is decoded on request. */
export class SafetensorsFile {
  readonly #data: Uint8Array;

  constructor(
    readonly entries: ReadonlyMap<string, TensorEntry>,
    readonly metadata: Readonly<Record<string, string>>,
    data: Uint8Array,
    readonly source: string,
  ) {
    this.#data = data;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  entry(name: string): TensorEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new SafetensorsError(`${this.source}: no tensor named "${name}"`);
    return entry;
  }

  /** Float data of a F32, F16 or BF16 tensor as float32. */
  float32(name: string): Float32Array {
    const entry = this.entry(name);
    const bytes = this.#data.subarray(entry.begin, entry.end);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = elementCount(entry.shape);
    const out = new Float32Array(count);
    switch (entry.dtype) {
      case 'F32':
        for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
        return out;
      case 'F16':
        for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
        return out;
      case 'BF16': {
        const word = new DataView(new ArrayBuffer(4));
        for (let i = 0; i < count; i++) {
          word.setUint32(0, view.getUint16(i * 2, true) << 16);
          out[i] = word.getFloat32(0);
        }
        return out;
      }
      default:
        throw new SafetensorsError(
          `${this.source}: tensor "${name}" has dtype ${entry.dtype}; expected F32, F16 or BF16`,
        );
    }
  }

  /** Integer data of an I32 or I64 tensor as int32 (I64 values must fit in int32). */
  int32(name: string): Int32Array {
    const entry = this.entry(name);
    const bytes = this.#data.subarray(entry.begin, entry.end);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = elementCount(entry.shape);
    const out = new Int32Array(count);
    if (entry.dtype === 'I32') {
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    if (entry.dtype === 'I64') {
      for (let i = 0; i < count; i++) {
        const value = view.getBigInt64(i * 8, true);
        if (value > 2147483647n || value < -2147483648n) {
          throw new SafetensorsError(
            `${this.source}: tensor "${name}" holds ${value} at index ${i}, outside the int32 range`,
          );
        }
        out[i] = Number(value);
      }
      return out;
    }
    throw new SafetensorsError(
      `${this.source}: tensor "${name}" has dtype ${entry.dtype}; expected I32 or I64`,
    );
  }
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** IEEE 754 binary16 -> number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function fail(source: string, message: string): never {
  throw new SafetensorsError(`${source}: ${message}`);
}

/** Parses and checks a whole safetensors file. `source` names it in errors (a path, usually). */
export function readSafetensors(bytes: Uint8Array, source = 'safetensors'): SafetensorsFile {
  if (bytes.byteLength < 8)
    fail(source, `file is ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(maxHeaderBytes)) {
    fail(
      source,
      `header length ${headerLength} exceeds the ${maxHeaderBytes}-byte limit (corrupt or not a safetensors file)`,
    );
  }
  const n = Number(headerLength);
  if (8 + n > bytes.byteLength) {
    fail(source, `header length ${n} runs past the end of the file (${bytes.byteLength} bytes)`);
  }
  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail(source, 'header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (error) {
    fail(source, `header is not valid JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header))
    fail(source, 'header must be a JSON object');
  const data = bytes.subarray(8 + n);
  const entries = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = checkMetadata(value, source);
      continue;
    }
    entries.set(name, checkEntry(name, value, source));
  }
  checkLayout([...entries.values()], data.byteLength, source);
  return new SafetensorsFile(entries, metadata, data, source);
}

function checkMetadata(value: unknown, source: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(source, '__metadata__ must be an object');
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string') fail(source, `__metadata__.${key} must be a string`);
  }
  return value as Record<string, string>;
}

function checkEntry(name: string, value: unknown, source: string): TensorEntry {
  const where = `tensor "${name}"`;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(source, `${where}: entry must be an object`);
  const { dtype, shape, data_offsets: offsets, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) fail(source, `${where}: unexpected field ${JSON.stringify(extra[0])}`);
  if (typeof dtype !== 'string' || !(dtype in dtypeSizes))
    fail(source, `${where}: unknown dtype ${JSON.stringify(dtype)}`);
  const isCount = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount))
    fail(source, `${where}: shape must be a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(source, `${where}: data_offsets must be [begin, end] with non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) fail(source, `${where}: data_offsets end ${end} is before begin ${begin}`);
  const expected = elementCount(shape as number[]) * (dtypeSizes[dtype] as number);
  if (end - begin !== expected) {
    fail(
      source,
      `${where}: ${dtype} [${(shape as number[]).join(', ')}] needs ${expected} bytes but data_offsets span ${end - begin}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** Tensors must tile the data section exactly: no gaps, no overlaps, nothing after the last one. */
function checkLayout(entries: TensorEntry[], dataLength: number, source: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  for (const entry of sorted) {
    if (entry.begin < position) {
      fail(
        source,
        `tensor "${entry.name}" (bytes ${entry.begin}-${entry.end}) overlaps the tensor before it (which ends at ${position})`,
      );
    }
    if (entry.begin > position)
      fail(source, `gap in the data: bytes ${position}-${entry.begin} belong to no tensor`);
    position = entry.end;
  }
  if (position > dataLength)
    fail(
      source,
      `tensor data ends at byte ${position} but the file has only ${dataLength} data bytes (truncated?)`,
    );
  if (position < dataLength)
    fail(source, `${dataLength - position} bytes of trailing data after the last tensor`);
}

export type WritableTensor =
  | { dtype: 'F32'; shape: readonly number[]; data: Float32Array }
  | { dtype: 'I32'; shape: readonly number[]; data: Int32Array }
  | { dtype: 'I64'; shape: readonly number[]; data: Int32Array | BigInt64Array };

/** Serializes tensors (sorted by name) to safetensors bytes. */
export function writeSafetensors(
  tensors: Readonly<Record<string, WritableTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const tensor = tensors[name] as WritableTensor;
    const count = elementCount(tensor.shape);
    if (tensor.data.length !== count) {
      throw new SafetensorsError(
        `tensor "${name}": shape [${tensor.shape.join(', ')}] holds ${count} values but ${tensor.data.length} were given`,
      );
    }
    const bytes = count * (dtypeSizes[tensor.dtype] as number);
    header[name] = {
      dtype: tensor.dtype,
      shape: tensor.shape,
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  let headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(headerBytes.length / 8) * 8; // keep tensor data 8-byte aligned
  if (padded > headerBytes.length) {
    const spaced = new Uint8Array(padded).fill(0x20);
    spaced.set(headerBytes);
    headerBytes = spaced;
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const name of names) {
    const tensor = tensors[name] as WritableTensor;
    if (tensor.dtype === 'F32') {
      for (const value of tensor.data) {
        view.setFloat32(position, value, true);
        position += 4;
      }
    } else if (tensor.dtype === 'I32') {
      for (const value of tensor.data) {
        view.setInt32(position, value, true);
        position += 4;
      }
    } else {
      for (const value of tensor.data) {
        view.setBigInt64(position, BigInt(value), true);
        position += 8;
      }
    }
  }
  return out;
}
