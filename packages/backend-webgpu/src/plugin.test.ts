import { BackendError } from '@recurrent/core';
import { describe, expect, it } from 'vitest';
import { parseOptions } from './plugin.js';

describe('init options', () => {
  it.each([
    [undefined, {}],
    [{}, {}],
    [{ powerPreference: 'low-power' }, { powerPreference: 'low-power' }],
    [{ forceSoftware: true }, { forceSoftware: true }],
    [{ forceSoftware: false }, {}],
  ])('%j is read as %j', (options, parsed) => {
    expect(parseOptions(options)).toEqual(parsed);
  });

  it.each([
    [{ wasmPaths: '/x/' }, 'unknown option "wasmPaths" (known: powerPreference, forceSoftware)'],
    [{ device: 1, gpu: true }, 'unknown options "device", "gpu"'],
    [
      { powerPreference: 'fast' },
      'powerPreference must be "high-performance" or "low-power", got "fast"',
    ],
    [{ forceSoftware: 'yes' }, 'forceSoftware must be a boolean, got "yes"'],
  ])('%j is rejected: %s', (options, message) => {
    expect(() => parseOptions(options)).toThrow(BackendError);
    expect(() => parseOptions(options)).toThrow(message);
  });
});
