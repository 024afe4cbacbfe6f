// The backend conformance suite. A backend package's test file imports its plug-in and
// @recurrent/backend-cpu (the reference) and calls conformanceSuite({ backend: 'name' }).
import { join } from 'node:path';
import { decodeStepAvailable, listBackends, useBackend } from '@recurrent/core';
import { findParityCases, runParityCase } from '@recurrent/core/node';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceCase, layerCases, recurrentCases } from './cases.js';
import { compareResults, type Tolerance } from './compare.js';
import { type DecodeCase, decodeCases } from './decode-cases.js';
import { runCase, runInference } from './run-case.js';
import { runDecodeStepCase, runPromptCase } from './run-decode-case.js';
import { runSeq2seqCase } from './run-seq2seq-case.js';
import { seq2seqCases } from './seq2seq-cases.js';
import { trainCharModel, trainingRun } from './training-run.js';

export interface ConformanceOptions {
  /** The backend under test (its plug-in must be registered). */
  backend: string;
  /** Closeness to the reference (cpu running core's unfused tfjs-ops loop). */
  tolerance?: { forward?: Tolerance; gradient?: Tolerance };
  /** The backend promises bit-identical results when a computation is repeated. */
  deterministic?: boolean;
  /** Folder of PyTorch parity cases (default: the repository's fixtures/parity). */
  parityFixtures?: string;
  /** Mean loss of the training run's last five steps must be below this. */
  trainingTarget?: number;
  /** Runs once the backend is active (e.g. to turn off a CPU shortcut for small tensors). */
  setup?: () => void | Promise<void>;
}

/** Stated tolerances: float32 with different summation orders and activation approximations. */
export const defaultTolerance = {
  forward: { atol: 1e-5, rtol: 1e-4 },
  gradient: { atol: 1e-4, rtol: 1e-3 },
};

/**
 * The run starts at ln(57) ≈ 4.04. 3.25 nats is the text's unigram entropy (the best a model that
 * ignores context can do); below 2.95 the LSTM is using context. cpu reaches about 2.7.
 */
export const defaultTrainingTarget = 2.95;

/** The PyTorch cases copied into the repository (fixtures/parity); RECURRENT_PARITY_FIXTURES overrides. */
const repositoryFixtures = join(import.meta.dirname, '../../../fixtures/parity');

export function conformanceSuite(options: ConformanceOptions): void {
  const { backend } = options;
  const forward = options.tolerance?.forward ?? defaultTolerance.forward;
  const gradient = options.tolerance?.gradient ?? defaultTolerance.gradient;
  const toleranceOf = (name: string) => (name.startsWith('grad.') ? gradient : forward);

  describe(`conformance: ${backend}`, () => {
    beforeAll(async () => {
      const names = listBackends().map((b) => b.name);
      if (!names.includes('cpu')) {
        throw new Error(
          'the conformance suite needs the cpu reference: import "@recurrent/backend-cpu"',
        );
      }
      await useBackend(backend); // fails with the plug-in's reason when unavailable
      await options.setup?.();
    });

    describe('layers and cells against the cpu reference', () => {
      for (const c of [...recurrentCases, ...layerCases]) {
        it(c.name, async () => {
          const expected = await runCase(c, 'cpu', 'off');
          const actual = await runCase(c, backend);
          expect(actual.leaked, 'tensors leaked by forward + backward').toBe(0);
          expect(compareResults(expected.values, actual.values, toleranceOf)).toEqual([]);
        });
      }
    });

    describe('encoder-decoder models against the cpu reference (forward, loss, gradients, encode + step)', () => {
      for (const c of seq2seqCases) {
        it(c.name, async () => {
          const expected = await runSeq2seqCase(c, 'cpu', 'off');
          const actual = await runSeq2seqCase(c, backend);
          expect(actual.leaked, 'tensors leaked by forward, backward and stepping').toBe(0);
          expect(compareResults(expected.values, actual.values, toleranceOf)).toEqual([]);
        });
      }
    });

    describe('inference (no gradient recording) gives what the recorded forward gives', () => {
      for (const c of [recurrentCases[1], recurrentCases[4], layerCases[0]] as ConformanceCase[]) {
        it(c.name, async () => {
          const recorded = await runCase(c, backend);
          const inference = await runInference(c, backend);
          expect(inference.leaked, 'tensors leaked by inference').toBe(0);
          const subset = new Map([...recorded.values].filter(([k]) => inference.values.has(k)));
          expect(subset.size).toBe(inference.values.size);
          expect(compareResults(subset, inference.values, () => forward)).toEqual([]);
        });
      }
    });

    describe('fused decoding step (DecodeStep) against model.forward on one token', () => {
      for (const c of decodeCases) {
        for (const batch of [1, 3]) {
          it(`${c.name}, batch ${batch}`, async (context) => {
            await useBackend(backend);
            if (!decodeStepAvailable()) {
              context.skip(
                `backend "${backend}" registers no DecodeStep kernel: its model stepper runs model.forward`,
              );
            }
            // The reference: cpu's model.forward on one token through core's tfjs-ops loop.
            const expected = await runDecodeStepCase(c, batch, 'cpu', {
              fused: false,
              fusedKernels: 'off',
            });
            const actual = await runDecodeStepCase(c, batch, backend, { fused: true });
            expect(actual.leaked, 'tensors leaked by the fused step').toBe(0);
            expect(compareResults(expected.values, actual.values, () => forward)).toEqual([]);
          });
        }
      }
    });

    describe('the model stepper: a prompt, then one token per step, gives the scores of one pass', () => {
      const sequence = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
      const stacked = (c: DecodeCase) => c.layers.length > 1 || c.layers[0]?.numLayers === 2;
      for (const c of decodeCases.filter((c) => stacked(c) && c.layers[0]?.type === 'lstm')) {
        it(c.name, async () => {
          const run = await runPromptCase(c, backend, sequence, 5);
          expect(run.leaked, 'tensors leaked by prefill, steps and release').toBe(0);
          await useBackend(backend);
          expect(run.fusedStep).toBe(decodeStepAvailable());
          const named = (scores: Float32Array[]) =>
            new Map(scores.map((s, i) => [`position ${i + 4}`, s]));
          expect(compareResults(named(run.whole), named(run.stepped), () => forward)).toEqual([]);
        });
      }
    });

    describe('PyTorch parity fixtures', async () => {
      const dir =
        options.parityFixtures ?? process.env.RECURRENT_PARITY_FIXTURES ?? repositoryFixtures;
      const cases = await findParityCases(dir);
      it('finds the fixtures', () => expect(cases.length).toBeGreaterThan(0));
      for (const folder of cases) {
        it(folder.split('/').pop() as string, async (context) => {
          const report = await runParityCase(folder, backend);
          // A kind the runner cannot run yet is reported as skipped, with the reason.
          if (report.unsupported) context.skip(report.unsupported);
          expect(report.failures).toEqual([]);
        });
      }
    });

    it(`trains a character LSTM on Tiny Shakespeare below loss ${options.trainingTarget ?? defaultTrainingTarget} in ${trainingRun.steps} steps`, async () => {
      const report = await trainCharModel(backend);
      expect(report.leaked, 'tensors leaked by training').toBe(0);
      expect(report.firstLoss).toBeGreaterThan(3.8);
      expect(report.finalLoss).toBeLessThan(options.trainingTarget ?? defaultTrainingTarget);
      // A correctness check, not a timing one: software WebGPU (llvmpipe) beside the browser tests
      // on a 2-core CI machine has taken over two minutes for these 40 steps.
    }, 600_000);

    if (options.deterministic) {
      it('gives bit-identical results when a computation is repeated', async () => {
        const c = recurrentCases[1] as ConformanceCase;
        const first = await runCase(c, backend);
        const second = await runCase(c, backend);
        expect(compareResults(first.values, second.values, () => ({ atol: 0, rtol: 0 }))).toEqual(
          [],
        );
      });
    }

    it('returns to the tensor baseline', async () => {
      await useBackend(backend);
      const before = tf.memory().numTensors;
      await runCase(layerCases[0] as ConformanceCase, backend);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
