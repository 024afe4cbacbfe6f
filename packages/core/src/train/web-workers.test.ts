// webWorkerThreads(n) and serveTaskGradients() over a fake Web Worker pair in this thread: the
// page's end (a Worker's postMessage, message/error events, terminate) and the worker's global
// scope, as a browser delivers them (asynchronously). Training on 2 threads gives the 1-thread
// weights up to rounding through the same pool as Node's threads; the factory refuses a page that
// is not cross-origin isolated and a worker that fails to start, naming what to fix; nothing leaks.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  maxWeightDifference,
  toyData,
  toyLoss,
  toyPlugin,
  toySizes,
  type toySpec,
  trainedWeights,
} from '../../test/toy-task.js';
import { compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import type { ParallelFactory } from '../tasks/contract.js';
import { registerTask } from '../tasks/registry.js';
import { type WebWorker, type WebWorkerScope, webWorker } from './parallel/web-transport.js';
import { serveTaskGradients, sharedMemoryProblem, webWorkerThreads } from './web-workers.js';

type Listener = (event: { data?: unknown; message?: string }) => void;

/** A Worker and its worker's scope joined in this thread, delivering each message in a later task. */
class FakePair {
  readonly #toWorker: Listener[] = [];
  readonly #toPage = new Map<string, Listener[]>();
  terminated = false;
  /** The page's Worker. */
  readonly worker = {
    postMessage: (data: unknown) => this.#deliver(this.#toWorker, { data }),
    addEventListener: (type: string, listener: Listener) =>
      this.#toPage.set(type, [...(this.#toPage.get(type) ?? []), listener]),
    terminate: () => {
      this.terminated = true;
    },
  } as unknown as WebWorker;
  /** The worker's global scope. */
  readonly scope = {
    postMessage: (data: unknown) => this.#deliver(this.#toPage.get('message') ?? [], { data }),
    addEventListener: (_type: 'message', listener: Listener) => {
      this.#toWorker.push(listener);
    },
  } as unknown as WebWorkerScope;

  #deliver(listeners: Listener[], event: { data: unknown }) {
    setTimeout(() => {
      if (this.terminated) return;
      for (const listener of listeners) listener(event);
    }, 0);
  }

  /** Fires an error event on the page's Worker (a module that failed to load). */
  fail(message = '') {
    setTimeout(() => {
      for (const listener of this.#toPage.get('error') ?? []) listener({ message });
    }, 0);
  }
}

/** The models the fake workers built (their "threads" are this one: disposed by the tests). */
const workerModels: Model[] = [];

beforeAll(() =>
  registerTask({
    ...toyPlugin,
    trainingTarget: async (config, options) => {
      const model = await compile((config as { spec: typeof toySpec }).spec, {
        ...options,
        ...toySizes,
      });
      workerModels.push(model);
      return { model, loss: toyLoss };
    },
  }),
);

afterEach(() => {
  vi.unstubAllGlobals();
  for (const model of workerModels.splice(0)) model.dispose();
});

const data = toyData(64);

const trained = (parallel?: ParallelFactory) => trainedWeights(data, parallel);

describe('webWorkerThreads and serveTaskGradients', () => {
  it('train on 2 threads through a Web Worker pair to the 1-thread weights, then end the worker', async () => {
    const before = tf.memory().numTensors;
    const one = await trained();
    const pairs: FakePair[] = [];
    const spawn = () => {
      const pair = new FakePair();
      serveTaskGradients(pair.scope);
      pairs.push(pair);
      return pair.worker;
    };
    const two = await trained(webWorkerThreads(2, { spawn }));
    expect(pairs.length).toBe(1);
    expect(pairs[0]?.terminated).toBe(true);
    expect(maxWeightDifference(two, one)).toBeLessThan(1e-5);
    expect(maxWeightDifference(two, one)).toBeGreaterThan(0); // the sums really were split
    expect(workerModels.length).toBe(1);
    for (const model of workerModels.splice(0)) model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('refuses a page that is not cross-origin isolated, naming COOP and COEP', async () => {
    vi.stubGlobal('crossOriginIsolated', false);
    const spawn = vi.fn(() => new FakePair().worker);
    await expect(trained(webWorkerThreads(2, { spawn }))).rejects.toThrow(
      'which a page has only when cross-origin isolated: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp',
    );
    expect(spawn).not.toHaveBeenCalled();
    expect(sharedMemoryProblem({ crossOriginIsolated: true })).toMatch(/SharedArrayBuffer/);
    expect(sharedMemoryProblem({ SharedArrayBuffer, crossOriginIsolated: true })).toBeUndefined();
  });

  it('says when a worker fails to start: its module did not load, or new Worker threw', async () => {
    const pairs: FakePair[] = [];
    const failing = () => {
      const pair = new FakePair();
      pairs.push(pair);
      pair.fail();
      return pair.worker;
    };
    await expect(trained(webWorkerThreads(3, { spawn: failing }))).rejects.toThrow(
      'gradient worker (Web Worker) failed to start: no message (the module did not load or threw at start); check the URL of its module and that it calls serveTaskGradients()',
    );
    expect(pairs.map((p) => p.terminated)).toEqual([true, true]);
    const throwing = () => {
      throw new DOMException('Failed to construct Worker', 'SecurityError');
    };
    await expect(trained(webWorkerThreads(2, { spawn: throwing }))).rejects.toThrow(
      'webWorkerThreads: a gradient worker failed to start: Failed to construct Worker',
    );
  });

  it('stops waiting for a worker whose module never calls serveTaskGradients, and ends it', async () => {
    const baseline = tf.memory().numTensors;
    const pairs: FakePair[] = [];
    const silent = () => {
      const pair = new FakePair(); // nothing listens in the worker: init is never answered
      pairs.push(pair);
      return pair.worker;
    };
    await expect(
      trained(webWorkerThreads(2, { spawn: silent, startTimeoutMs: 50 })),
    ).rejects.toThrow(
      'gradient worker: no answer within 0.05 s of starting; its module must call serveTaskGradients()',
    );
    expect(pairs.map((p) => p.terminated)).toEqual([true]);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => webWorkerThreads(1.5, { spawn: () => new FakePair().worker })).toThrow(
      'webWorkerThreads: expected a positive integer, got 1.5',
    );
  });
});

describe('webWorker (the page end of a transport)', () => {
  it('reports a failure after the first answer once, as a failure, not a start failure', async () => {
    const pair = new FakePair();
    const transport = webWorker(pair.worker);
    const messages: unknown[] = [];
    const failures: string[] = [];
    transport.listen(
      (m) => messages.push(m),
      (e) => failures.push(e.message),
    );
    pair.scope.postMessage({ type: 'ready' }, []);
    await new Promise((resolve) => setTimeout(resolve, 5));
    pair.fail('boom');
    pair.fail('again');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(messages).toEqual([{ type: 'ready' }]);
    expect(failures).toEqual(['gradient worker (Web Worker) failed: boom']);
    await transport.terminate();
    expect(pair.terminated).toBe(true);
  });
});
