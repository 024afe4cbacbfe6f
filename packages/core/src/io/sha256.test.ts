// SHA-256 against Node's implementation (an outside truth) on the padding edge cases (lengths
// around the 55/56/64-byte block boundaries), random data and text; the WebCrypto path agrees.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, sha256Hex } from './sha256.js';

const nodeHex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('sha256', () => {
  it('matches the FIPS 180-2 example "abc"', () => {
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it.each([0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 100_003])(
    'matches node:crypto on %i random bytes (plain and WebCrypto)',
    async (length) => {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = (i * 2654435761) >>> 24;
      expect(hex(sha256(bytes))).toBe(nodeHex(bytes));
      expect(await sha256Hex(bytes)).toBe(nodeHex(bytes));
    },
  );

  it('hashes a string as UTF-8', async () => {
    expect(await sha256Hex('naïve café ✓')).toBe(nodeHex('naïve café ✓'));
  });
});
