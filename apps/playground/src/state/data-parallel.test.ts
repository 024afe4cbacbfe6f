import { describe, expect, it } from 'vitest';
import { dataParallelChoices, dataParallelProblem, maxDataParallel } from './data-parallel.js';

describe('the data-parallel setting', () => {
  it('is offered on cpu and wasm in a cross-origin-isolated page, one thread per core up to 4', () => {
    expect(dataParallelChoices(true, 'wasm', 2)).toEqual([1, 2]);
    expect(dataParallelChoices(true, 'cpu', 16)).toEqual([1, 2, 3, 4]);
    expect(dataParallelChoices(true, 'wasm', undefined)).toEqual([1]);
    expect(maxDataParallel(0)).toBe(1);
  });

  it('is not offered on a GPU backend, on "auto", or without isolation', () => {
    expect(dataParallelChoices(true, 'webgpu', 8)).toEqual([]);
    expect(dataParallelChoices(true, 'auto', 8)).toEqual([]);
    expect(dataParallelChoices(false, 'wasm', 8)).toEqual([]);
  });

  it('refuses what it does not offer, saying why; one thread always runs', () => {
    expect(dataParallelProblem(false, 'webgpu', 1)).toBeUndefined();
    expect(dataParallelProblem(true, 'wasm', 2)).toBeUndefined();
    expect(dataParallelProblem(true, 'webgpu', 2)).toBe(
      'data-parallel training runs on the cpu and wasm backends, not webgpu (set the workers to 1)',
    );
    expect(dataParallelProblem(false, 'cpu', 2)).toMatch(
      /^data-parallel training needs a cross-origin-isolated page \(COOP\/COEP headers/,
    );
    expect(dataParallelProblem(true, 'cpu', 0)).toBe(
      'data-parallel workers: expected a positive integer, got 0',
    );
  });
});
