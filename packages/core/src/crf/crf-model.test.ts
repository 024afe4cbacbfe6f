// The CRF inside a compiled tagging model: compile adds it after the head (summary, names, init),
// crfLoss is the token-mean NLL (checked by brute force), it trains, splits over data-parallel
// parts by length, survives a save/load round trip, and leaves no tensors behind.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { modelFromFiles, modelToFiles } from '../io/model-files.js';
import { compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import { partShares, splitRows } from '../train/data-parallel.js';
import { Adam, parameterGradients } from '../train/optimizer.js';
import type { Batch } from '../train/types.js';
import { CrfLayer, crfLayerOf } from './crf-layer.js';
import { crfLoss } from './crf-loss.js';
import { allowedTransitions } from './tag-scheme.js';
import { crfDecode } from './viterbi.js';

const tags = ['O', 'B-X', 'I-X'];

function taggerSpec(tagging: Record<string, unknown> = { output: 'crf' }) {
  return {
    version: 1,
    name: 'tagger',
    task: 'tagging',
    input: { tokenizer: { type: 'word' } },
    layers: [
      { type: 'embedding', embeddingDim: 6 },
      { type: 'lstm', hiddenSize: 5, bidirectional: true },
      { type: 'dense', units: 'auto', name: 'head' },
    ],
    tagging,
    training: { optimizer: { type: 'adam', lr: 0.05 }, seed: 5 },
  };
}

const sizes = { vocabularySize: 12, outputSize: tags.length };

/** A toy corpus: token 2 opens an X span, 3 continues it, others are O (ids 4..11). */
function toyBatch(
  rows: number,
  time: number,
  seed: number,
): { tokens: number[][]; gold: number[][]; lengths: number[] } {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
  const tokens: number[][] = [];
  const gold: number[][] = [];
  const lengths: number[] = [];
  for (let b = 0; b < rows; b++) {
    const n = 1 + Math.floor(next() * time);
    const row: number[] = [];
    const tagRow: number[] = [];
    for (let t = 0; t < time; t++) {
      if (t >= n) {
        row.push(0);
        tagRow.push(0);
        continue;
      }
      const r = next();
      const inside = tagRow.length > 0 && tagRow[t - 1] !== 0;
      const token = r < 0.25 ? 2 : r < 0.45 && inside ? 3 : 4 + Math.floor(next() * 8);
      row.push(token);
      tagRow.push(token === 2 ? 1 : token === 3 ? 2 : 0);
    }
    tokens.push(row);
    gold.push(tagRow);
    lengths.push(n);
  }
  return { tokens, gold, lengths };
}

function batchOf(data: ReturnType<typeof toyBatch>): Batch {
  return {
    inputs: { tokens: tf.tensor2d(data.tokens, undefined, 'int32'), lengths: data.lengths },
    targets: tf.tensor2d(data.gold, undefined, 'int32'),
    rowWeights: data.lengths,
  };
}

const disposeBatch = (batch: Batch) =>
  tf.dispose([batch.inputs.tokens as tf.Tensor, batch.targets]);

/** Mean NLL per token by enumerating every tag path of every row, in float64. */
async function bruteForceLoss(model: Model, batch: Batch, lengths: number[]): Promise<number> {
  const crf = crfLayerOf(model) as CrfLayer;
  const emissions = tf.tidy(() => model.forward(batch.inputs).output);
  const e = (await emissions.array()) as number[][][];
  emissions.dispose();
  const start = Array.from(await crf.startTransitions.variable.data());
  const end = Array.from(await crf.endTransitions.variable.data());
  const a = Array.from(await crf.transitions.variable.data());
  const gold = (await batch.targets.array()) as number[][];
  const k = start.length;
  const score = (b: number, path: number[]) =>
    path.reduce(
      (s, tag, t) =>
        s +
        (e[b]?.[t]?.[tag] as number) +
        (t > 0 ? (a[(path[t - 1] as number) * k + tag] as number) : 0),
      (start[path[0] as number] as number) + (end[path[path.length - 1] as number] as number),
    );
  let total = 0;
  lengths.forEach((n, b) => {
    let sum = 0;
    for (let code = 0; code < k ** n; code++) {
      const path = Array.from({ length: n }, (_, t) => Math.floor(code / k ** t) % k);
      sum += Math.exp(score(b, path));
    }
    total += Math.log(sum) - score(b, (gold[b] as number[]).slice(0, n));
  });
  return total / lengths.reduce((x, y) => x + y, 0);
}

describe('the CRF in a compiled tagging model', () => {
  it('is added after the head for output "crf", with pytorch-crf names, shapes and init, and shown in the summary', async () => {
    const crfModel = await compile(taggerSpec(), sizes);
    const softmaxModel = await compile(taggerSpec({ output: 'softmax' }), sizes);
    const crf = crfLayerOf(crfModel);
    expect(crf).toBeInstanceOf(CrfLayer);
    expect(crfLayerOf(softmaxModel)).toBeUndefined();
    const names = crfModel.parameters().map((p) => [p.name, p.variable.shape]);
    expect(names.slice(-3)).toEqual([
      ['crf.start_transitions', [3]],
      ['crf.end_transitions', [3]],
      ['crf.transitions', [3, 3]],
    ]);
    // The layers before it are initialized exactly as without a CRF.
    const softmaxParams = softmaxModel.parameters();
    expect(names.length).toBe(softmaxParams.length + 3);
    for (const [i, p] of softmaxParams.entries()) {
      expect(crfModel.parameters()[i]?.name).toBe(p.name);
      expect(Array.from(crfModel.parameters()[i]?.variable.dataSync() ?? [])).toEqual(
        Array.from(p.variable.dataSync()),
      );
    }
    // uniform(-0.1, 0.1), not all equal.
    for (const p of crf?.parameters ?? []) {
      const values = Array.from(p.variable.dataSync());
      expect(values.every((v) => v > -0.1 && v < 0.1)).toBe(true);
      expect(new Set(values).size).toBe(values.length);
    }
    const summary = crfModel.summary();
    expect(summary).toMatch(/crf \(crf\)\s+\[B, T, 3\]\s+15\n/);
    expect(summary).toContain('head (dense)');
    crfModel.dispose();
    softmaxModel.dispose();
  });

  it('crfLoss is the mean NLL per token, as brute force over every tag path gives it', async () => {
    const model = await compile(taggerSpec(), sizes);
    // Move the CRF's scores away from their small init so that they matter.
    for (const p of crfLayerOf(model)?.parameters ?? []) {
      tf.tidy(() => p.variable.assign(tf.mul(p.variable, 20)));
    }
    const data = toyBatch(4, 5, 3);
    const batch = batchOf(data);
    const loss = crfLoss()(model, batch, undefined);
    expect(loss.dataSync()[0]).toBeCloseTo(await bruteForceLoss(model, batch, data.lengths), 4);
    loss.dispose();
    // Without lengths every row is taken as full length.
    const full = { ...batch, inputs: { tokens: batch.inputs.tokens } };
    const fullLoss = crfLoss()(model, full, undefined);
    expect(fullLoss.dataSync()[0]).toBeCloseTo(await bruteForceLoss(model, full, [5, 5, 5, 5]), 4);
    fullLoss.dispose();
    disposeBatch(batch);
    model.dispose();
  });

  it("splits over data-parallel parts: parts weighted by their lengths (rowWeights) give the whole batch's loss and gradients", async () => {
    const model = await compile(taggerSpec(), sizes);
    const data = toyBatch(6, 7, 9);
    const batch = batchOf(data);
    const loss = crfLoss(allowedTransitions(tags, 'bio'));
    const gradientsOf = (b: Batch) => {
      const { value, grads } = parameterGradients(model.parameters(), () =>
        loss(model, b, undefined),
      );
      const result = {
        loss: value.dataSync()[0] as number,
        grads: [...grads.values()].map((g) => Array.from(g.dataSync())),
      };
      tf.dispose([value, ...grads.values()]);
      return result;
    };
    const whole = gradientsOf(batch);
    const ranges = splitRows(6, 2);
    const shares = partShares(batch, ranges);
    let combinedLoss = 0;
    const combined = whole.grads.map((g) => new Array<number>(g.length).fill(0));
    ranges.forEach(([from, to], p) => {
      const rows = (x: number[][]) => x.slice(from, to);
      const part = batchOf({
        tokens: rows(data.tokens),
        gold: rows(data.gold),
        lengths: data.lengths.slice(from, to),
      });
      const result = gradientsOf(part);
      combinedLoss += (shares[p] as number) * result.loss;
      result.grads.forEach((g, i) => {
        g.forEach((v, j) => {
          const sum = combined[i] as number[];
          sum[j] = (sum[j] as number) + (shares[p] as number) * v;
        });
      });
      disposeBatch(part);
    });
    expect(combinedLoss).toBeCloseTo(whole.loss, 5);
    combined.forEach((g, i) => {
      g.forEach((v, j) => {
        expect(v).toBeCloseTo((whole.grads[i] as number[])[j] as number, 5);
      });
    });
    disposeBatch(batch);
    model.dispose();
  });

  it('trains (loss falls, Viterbi finds the spans), survives save/load, and leaves no tensors behind', async () => {
    const model = await compile(taggerSpec({ output: 'crf', constraints: 'bio' }), sizes);
    const allowed = allowedTransitions(tags, 'bio');
    const loss = crfLoss(allowed);
    const data = toyBatch(16, 8, 21);
    const batch = batchOf(data);
    const adam = new Adam({ lr: 0.05 });
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      const { value, grads } = parameterGradients(model.parameters(), () =>
        loss(model, batch, model.random),
      );
      losses.push(value.dataSync()[0] as number);
      adam.step(grads);
      tf.dispose([value, ...grads.values()]);
    }
    adam.dispose();
    const emissions = tf.tidy(() => model.forward(batch.inputs).output);
    const decoded = await crfDecode(model, emissions, data.lengths, allowed);
    emissions.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(losses[39]).toBeLessThan((losses[0] as number) * 0.3);
    let correct = 0;
    let total = 0;
    decoded.tags.forEach((path, b) => {
      path.forEach((tag, t) => {
        total++;
        if (tag === data.gold[b]?.[t]) correct++;
      });
    });
    expect(correct / total).toBeGreaterThan(0.95);

    // Save and load: the CRF's parameters come back by name and decode the same paths.
    const files = await modelToFiles(model);
    const { model: loaded } = await modelFromFiles(files);
    const loadedCrf = crfLayerOf(loaded) as CrfLayer;
    for (const [i, p] of (crfLayerOf(model) as CrfLayer).parameters.entries()) {
      expect(Array.from(loadedCrf.parameters[i]?.variable.dataSync() ?? [])).toEqual(
        Array.from(p.variable.dataSync()),
      );
    }
    const again = tf.tidy(() => loaded.forward(batch.inputs).output);
    expect(await crfDecode(loaded, again, data.lengths, allowed)).toEqual(decoded);
    again.dispose();
    loaded.dispose();
    disposeBatch(batch);
    model.dispose();
  });

  it('refuses a model without a CRF, by name', async () => {
    const model = await compile(taggerSpec({ output: 'softmax' }), sizes);
    const batch = batchOf(toyBatch(2, 3, 1));
    expect(() => crfLoss()(model, batch, undefined)).toThrow(
      'crfLoss: model "tagger" has no CRF layer (a tagging spec with "tagging": {"output": "crf"} adds one)',
    );
    const emissions = tf.zeros([2, 3, 3]);
    await expect(crfDecode(model, emissions, [3, 3])).rejects.toThrow(
      'crfDecode: model "tagger" has no CRF layer',
    );
    tf.dispose(emissions);
    disposeBatch(batch);
    model.dispose();
  });
});
