// The experiment in the page's URL, as TensorFlow Playground keeps its state in location.hash, so
// a link reproduces a run: `#e=` + base64url(JSON), or `#z=` + base64url(deflate-raw(JSON)) when
// the browser has CompressionStream and it is shorter. A dropped data file travels in the link
// only while it is small; a bigger one is named but left out, and loading the link says so.
import type { DataChoice, Experiment } from '../protocol.js';

/** Dropped files longer than this (characters) are left out of links. */
export const maxLinkedFileChars = 100_000;

/** The JSON kept in the hash (short keys: links get long). Version 1. */
interface HashPayload {
  v: 1;
  spec: string;
  data: { bundled: string } | { file: string; text?: string };
  backend: string;
  seed?: number;
  /** Experiment.dataParallel when above 1. */
  workers?: number;
}

/** What a link restores, and what it could not (a file too big to travel in it). */
export interface LinkedExperiment {
  experiment: Experiment;
  /** The name of a dropped file the link names but does not hold; the user must drop it again. */
  missingFile?: string;
}

export class ExperimentLinkError extends Error {
  override name = 'ExperimentLinkError';
}

/** The hash for an experiment ("#z=..." or "#e=..."). */
export async function experimentToHash(
  experiment: Experiment,
  options: { compress?: boolean } = {},
): Promise<string> {
  const json = JSON.stringify(toPayload(experiment));
  const bytes = new TextEncoder().encode(json);
  const plain = `#e=${toBase64Url(bytes)}`;
  if (options.compress === false || typeof CompressionStream === 'undefined') return plain;
  const deflated = `#z=${toBase64Url(await transform(bytes, new CompressionStream('deflate-raw')))}`;
  return deflated.length < plain.length ? deflated : plain;
}

/**
 * The experiment a hash holds, undefined for a hash that holds none (empty, or another
 * fragment); throws ExperimentLinkError for a link that is damaged.
 */
export async function experimentFromHash(hash: string): Promise<LinkedExperiment | undefined> {
  const match = /^#?([ez])=([A-Za-z0-9_-]*)$/.exec(hash);
  if (!match) return undefined;
  const [, kind, data] = match as unknown as [string, 'e' | 'z', string];
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(data);
  } catch {
    throw new ExperimentLinkError('the link is damaged: its experiment is not valid base64url');
  }
  if (kind === 'z') {
    if (typeof DecompressionStream === 'undefined')
      throw new ExperimentLinkError(
        'this browser cannot read compressed links (no DecompressionStream)',
      );
    try {
      bytes = await transform(bytes, new DecompressionStream('deflate-raw'));
    } catch {
      throw new ExperimentLinkError('the link is damaged: its experiment does not decompress');
    }
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ExperimentLinkError('the link is damaged: its experiment is not JSON');
  }
  return fromPayload(payload);
}

function toPayload(experiment: Experiment): HashPayload {
  const { data } = experiment;
  return {
    v: 1,
    spec: experiment.specText,
    data:
      data.kind === 'bundled'
        ? { bundled: data.id }
        : data.text.length <= maxLinkedFileChars
          ? { file: data.name, text: data.text }
          : { file: data.name },
    backend: experiment.backend,
    ...(experiment.seed !== undefined ? { seed: experiment.seed } : {}),
    ...((experiment.dataParallel ?? 1) > 1 ? { workers: experiment.dataParallel } : {}),
  };
}

function fromPayload(payload: unknown): LinkedExperiment {
  const fail = (what: string): never => {
    throw new ExperimentLinkError(
      `the link's experiment is not one this playground reads: ${what}`,
    );
  };
  if (!isRecord(payload)) return fail('not an object');
  if (payload.v !== 1) return fail(`version ${JSON.stringify(payload.v)} (this page reads 1)`);
  if (typeof payload.spec !== 'string') return fail('"spec" is not a string');
  if (typeof payload.backend !== 'string') return fail('"backend" is not a string');
  if (payload.seed !== undefined && !Number.isSafeInteger(payload.seed))
    return fail('"seed" is not an integer');
  if (
    payload.workers !== undefined &&
    !(Number.isInteger(payload.workers) && (payload.workers as number) >= 1)
  )
    return fail('"workers" is not a positive integer');
  const data = payload.data;
  let choice: DataChoice;
  let missingFile: string | undefined;
  if (isRecord(data) && typeof data.bundled === 'string') {
    choice = { kind: 'bundled', id: data.bundled };
  } else if (isRecord(data) && typeof data.file === 'string') {
    if (data.text !== undefined && typeof data.text !== 'string')
      return fail('"data.text" is not a string');
    // A file left out of the link: the experiment keeps its name, with no text to train on.
    if (data.text === undefined) missingFile = data.file;
    choice = { kind: 'file', name: data.file, text: data.text ?? '' };
  } else {
    return fail('"data" is neither a bundled dataset nor a file');
  }
  const experiment: Experiment = {
    specText: payload.spec,
    data: choice,
    backend: payload.backend,
    ...(payload.seed !== undefined ? { seed: payload.seed as number } : {}),
    ...(payload.workers !== undefined ? { dataParallel: payload.workers as number } : {}),
  };
  return missingFile === undefined ? { experiment } : { experiment, missingFile };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function transform(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const output = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(output).arrayBuffer());
}

/** RFC 4648 §5 base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error('not base64url');
  const base64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
