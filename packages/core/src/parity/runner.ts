// The parity runner: builds each case's model from a spec through the public API, imports the
// PyTorch weights the way users do, and compares every expected tensor within the case's
// tolerances (forward outputs and states, the loss, gradients of the input and every parameter,
// and the parameters after training steps with clip_grad_norm_ and Adam).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Checker } from './checker.js';
import type { Comparison } from './compare.js';
import { type ParityCase, readParityCase } from './fixture.js';
import { runLayerCase } from './layer-case.js';
import { runSeedSentimentCase } from './seed-sentiment-case.js';
import { runSeq2seqCase } from './seq2seq-case.js';

export interface CaseReport {
  name: string;
  kind: string;
  ok: boolean;
  /** The comparison closest to (or furthest past) its tolerance. */
  worst?: Comparison;
  failures: string[];
  /**
   * Set when this runner cannot run the case's kind (a kind it does not know): the
   * reason, also listed in `failures`. The case is not ok; callers that knowingly accept such cases
   * (the conformance suite, `recurrent parity --skip-unsupported`) report them as skipped.
   */
  unsupported?: string;
  seconds: number;
}

export type CaseRunner = (fixture: ParityCase, backend: string) => Promise<Checker>;

const runners: Record<string, CaseRunner> = {
  layer: runLayerCase,
  'seed-sentiment-bilstm': runSeedSentimentCase,
  'seq2seq-bahdanau': runSeq2seqCase,
};

/** The runner of a kind: encoder-decoder kinds ("seq2seq-...") describe their model by its weights. */
function runnerOf(kind: string): CaseRunner | undefined {
  return runners[kind] ?? (kind.startsWith('seq2seq') ? runSeq2seqCase : undefined);
}

/** Case folders of `dir`: `dir` itself when it holds a case.json, else its subfolders that do. */
export async function findCases(dir: string): Promise<string[]> {
  const isCase = async (folder: string) =>
    (await stat(join(folder, 'case.json')).catch(() => undefined))?.isFile() === true;
  if (await isCase(dir)) return [dir];
  const entries = await readdir(dir, { withFileTypes: true });
  const folders = entries
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name))
    .sort();
  const cases: string[] = [];
  for (const folder of folders) if (await isCase(folder)) cases.push(folder);
  return cases;
}

export async function runCase(dir: string, backend: string): Promise<CaseReport> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let fixture: ParityCase;
  try {
    fixture = await readParityCase(dir);
  } catch (error) {
    return {
      name: dir,
      kind: '?',
      ok: false,
      failures: [(error as Error).message],
      seconds: seconds(),
    };
  }
  const { name } = fixture;
  const kind = fixture.description.kind;
  const runner = runnerOf(kind);
  if (!runner) {
    const unsupported = `unsupported kind "${kind}"`;
    return { name, kind, ok: false, failures: [unsupported], unsupported, seconds: seconds() };
  }
  const before = tf.memory().numTensors;
  try {
    const checker = await runner(fixture, backend);
    await checker.settle();
    const failures = [
      ...checker.comparisons
        .filter((c) => !c.ok)
        .map(
          (c) =>
            `${c.name}: ${c.problem ?? `max error ${c.maxError.toExponential(2)} is over tolerance (x${c.worstRatio.toFixed(1)})`}`,
        ),
      ...checker
        .unchecked()
        .map((n) => `${n}: expected tensor was not compared (not supported by this runner)`),
    ];
    const worst = checker.comparisons.reduce<Comparison | undefined>(
      (w, c) => (w && w.worstRatio >= c.worstRatio ? w : c),
      undefined,
    );
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) failures.push(`${leaked} tensors leaked by the case`);
    return {
      name,
      kind,
      ok: failures.length === 0 && checker.comparisons.length > 0,
      ...(worst ? { worst } : {}),
      failures,
      seconds: seconds(),
    };
  } catch (error) {
    return { name, kind, ok: false, failures: [(error as Error).message], seconds: seconds() };
  }
}
