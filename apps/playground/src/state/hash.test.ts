import { describe, expect, it } from 'vitest';
import type { Experiment } from '../protocol.js';
import {
  ExperimentLinkError,
  experimentFromHash,
  experimentToHash,
  fromBase64Url,
  maxLinkedFileChars,
  toBase64Url,
} from './hash.js';

const spec = `{
  "version": 1,
  "name": "sentiment-bigru",
  "task": "classification",
  "description": "Ünïcödé survives: 😀 — and \\"quotes\\" too"
}
`;

const bundled: Experiment = {
  specText: spec,
  data: { kind: 'bundled', id: 'uci-sentences' },
  backend: 'wasm',
  seed: 7,
};

describe('experiment ⇄ location.hash', () => {
  it('round-trips a bundled-data experiment, compressed', async () => {
    const hash = await experimentToHash(bundled);
    expect(hash.startsWith('#z=')).toBe(true);
    expect(await experimentFromHash(hash)).toEqual({ experiment: bundled });
  });

  it('round-trips uncompressed, and the hash is URL-safe', async () => {
    const hash = await experimentToHash(bundled, { compress: false });
    expect(hash).toMatch(/^#e=[A-Za-z0-9_-]+$/);
    expect(await experimentFromHash(hash)).toEqual({ experiment: bundled });
    // Without the leading "#", as URLSearchParams-style callers may pass it.
    expect(await experimentFromHash(hash.slice(1))).toEqual({ experiment: bundled });
  });

  it('keeps the text verbatim (whitespace, unicode) and omits an absent seed', async () => {
    const experiment: Experiment = { ...bundled, specText: `  ${spec}\t\n`, backend: 'auto' };
    delete experiment.seed;
    const back = await experimentFromHash(await experimentToHash(experiment));
    expect(back?.experiment).toEqual(experiment);
    expect(back?.experiment.specText).toBe(`  ${spec}\t\n`);
    expect('seed' in (back?.experiment ?? {})).toBe(false);
  });

  it('keeps the data-parallel workers above 1, and leaves 1 (the default) out of the link', async () => {
    const parallel: Experiment = { ...bundled, dataParallel: 2 };
    expect(await experimentFromHash(await experimentToHash(parallel))).toEqual({
      experiment: parallel,
    });
    const one = await experimentFromHash(await experimentToHash({ ...bundled, dataParallel: 1 }));
    expect(one).toEqual({ experiment: bundled });
    expect(await experimentToHash({ ...bundled, dataParallel: 1 })).toBe(
      await experimentToHash(bundled),
    );
  });

  it('refuses a link whose data-parallel workers are not a positive integer', async () => {
    for (const workers of [0, 1.5, '2']) {
      const json = JSON.stringify({ v: 1, spec, data: { bundled: 'x' }, backend: 'cpu', workers });
      const hash = `#e=${toBase64Url(new TextEncoder().encode(json))}`;
      await expect(experimentFromHash(hash)).rejects.toThrow(
        'the link\'s experiment is not one this playground reads: "workers" is not a positive integer',
      );
    }
  });

  it('carries a small dropped file with its text', async () => {
    const experiment: Experiment = {
      ...bundled,
      data: { kind: 'file', name: 'mine.tsv', text: 'good\t1\nbad\t0\n' },
    };
    expect(await experimentFromHash(await experimentToHash(experiment))).toEqual({ experiment });
  });

  it('names a big dropped file but leaves its text out, and says so on load', async () => {
    const text = 'x'.repeat(maxLinkedFileChars + 1);
    const experiment: Experiment = { ...bundled, data: { kind: 'file', name: 'big.txt', text } };
    const hash = await experimentToHash(experiment);
    expect(hash.length).toBeLessThan(2000);
    const back = await experimentFromHash(hash);
    expect(back?.missingFile).toBe('big.txt');
    expect(back?.experiment.data).toEqual({ kind: 'file', name: 'big.txt', text: '' });
  });

  it('compresses a repetitive spec well below its base64 size', async () => {
    const long = { ...bundled, specText: spec.repeat(40) };
    const plain = await experimentToHash(long, { compress: false });
    const deflated = await experimentToHash(long);
    expect(deflated.length).toBeLessThan(plain.length / 5);
  });

  it('ignores hashes that hold no experiment', async () => {
    expect(await experimentFromHash('')).toBeUndefined();
    expect(await experimentFromHash('#')).toBeUndefined();
    expect(await experimentFromHash('#section-2')).toBeUndefined();
  });

  it('rejects damaged links with a reason', async () => {
    const hash = await experimentToHash(bundled);
    await expect(experimentFromHash(`${hash.slice(0, -6)}`)).rejects.toThrow(ExperimentLinkError);
    await expect(experimentFromHash('#e=Zm9v')).rejects.toThrow(/not JSON/);
    const notOurs = `#e=${toBase64Url(new TextEncoder().encode('{"v":2}'))}`;
    await expect(experimentFromHash(notOurs)).rejects.toThrow(/version 2 \(this page reads 1\)/);
    const badSeed = `#e=${toBase64Url(
      new TextEncoder().encode(
        '{"v":1,"spec":"{}","backend":"cpu","seed":1.5,"data":{"bundled":"a"}}',
      ),
    )}`;
    await expect(experimentFromHash(badSeed)).rejects.toThrow(/"seed" is not an integer/);
  });
});

describe('base64url', () => {
  it('matches RFC 4648 test vectors, without padding, and round-trips every byte value', () => {
    const ascii = (s: string) => new TextEncoder().encode(s);
    expect(toBase64Url(ascii('f'))).toBe('Zg');
    expect(toBase64Url(ascii('fo'))).toBe('Zm8');
    expect(toBase64Url(ascii('foobar'))).toBe('Zm9vYmFy');
    // 0xfb 0xff encode to "+/8" in base64 and "-_8" in base64url.
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64Url(toBase64Url(all))).toEqual(all);
    expect(() => fromBase64Url('abc+')).toThrow();
    expect(() => fromBase64Url('abcde')).toThrow();
  });
});
