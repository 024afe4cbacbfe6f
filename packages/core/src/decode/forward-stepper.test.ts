// Decoding over a real compiled model: a minimal DecodeStepper written on `model.forward` with
// carried states (not the package's model stepper). Carrying the state one token at a time must
// give what re-reading the whole prefix gives, select must move the beams' rows with them, and no
// tensor may outlive decoding.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecurrentState } from '../layers/layer.js';
import { compile } from '../model/compile.js';
import type { Model } from '../model/model.js';
import type { DecodeOptions, DecodeStepper, StepScores } from './contract.js';
import { decode, decodeStream } from './decode.js';

type States = Record<string, RecurrentState>;
const V = 9;

class ForwardStepper implements DecodeStepper<States> {
  readonly vocabularySize = V;
  constructor(readonly model: Model) {}

  async #run(tokens: tf.Tensor2D, state: States | undefined): Promise<StepScores<States>> {
    const { output, states } = this.model.forward(
      { tokens },
      state === undefined ? {} : { initialState: state },
    );
    tokens.dispose();
    const [rows, time] = output.shape as [number, number, number];
    const last = tf.slice(output, [0, time - 1, 0], [rows, 1, V]);
    output.dispose();
    const logits = (await last.data()) as Float32Array;
    last.dispose();
    return { logits, state: states };
  }

  prefill(prompt: Int32Array): Promise<StepScores<States>> {
    return this.#run(tf.tensor2d(prompt, [1, prompt.length], 'int32'), undefined);
  }

  step(tokens: Int32Array, state: States): Promise<StepScores<States>> {
    return this.#run(tf.tensor2d(tokens, [tokens.length, 1], 'int32'), state);
  }

  select(state: States, rows: Int32Array): States {
    return tf.tidy(() => {
      const index = tf.tensor1d(rows, 'int32');
      const out: States = {};
      for (const [name, { h, c }] of Object.entries(state)) {
        out[name] =
          c === undefined
            ? { h: tf.gather(h, index, 1) }
            : { h: tf.gather(h, index, 1), c: tf.gather(c, index, 1) };
      }
      return out as unknown as tf.TensorContainer;
    }) as unknown as States;
  }

  release(state: States): void {
    for (const { h, c } of Object.values(state)) {
      h.dispose();
      c?.dispose();
    }
  }
}

let model: Model;
beforeAll(async () => {
  model = await compile(
    {
      version: 1,
      name: 'tiny-lm',
      task: 'generation',
      input: { tokenizer: { type: 'char' } },
      layers: [
        { type: 'embedding', embeddingDim: 6 },
        { type: 'lstm', hiddenSize: 12, numLayers: 2 },
        { type: 'dense', units: 'auto' },
      ],
      training: { optimizer: { type: 'adam' }, seed: 5 },
    },
    { vocabularySize: V, outputSize: V },
  );
});
afterAll(() => model.dispose());

/** log-softmax of the next-token logits after each position, from one pass over the sequence. */
function rereadLogProbabilities(sequence: number[]): number[][] {
  return tf.tidy(() => {
    const out = model.forward({
      tokens: tf.tensor2d(sequence, [1, sequence.length], 'int32'),
    }).output;
    return tf.logSoftmax(tf.reshape(out, [sequence.length, V])).arraySync() as number[][];
  });
}

/** The sum of log-probabilities of `tokens` after `prompt`, by re-reading the whole sequence. */
function rescore(prompt: number[], tokens: number[]): number {
  const logp = rereadLogProbabilities([...prompt, ...tokens]);
  return tokens.reduce((s, token, i) => s + (logp[prompt.length - 1 + i]?.[token] as number), 0);
}

describe('decoding a compiled model through model.forward', () => {
  const prompt = [1, 4, 2];

  it('greedy with the state carried equals greedy by re-reading the prefix', async () => {
    const before = tf.memory().numTensors;
    const result = await decode(new ForwardStepper(model), Int32Array.from(prompt), {
      strategy: 'greedy',
      maxNewTokens: 12,
    });
    expect(tf.memory().numTensors).toBe(before);
    const reread: number[] = [];
    for (let i = 0; i < 12; i++) {
      const logp = rereadLogProbabilities([...prompt, ...reread]).at(-1) as number[];
      reread.push(logp.indexOf(Math.max(...logp)));
    }
    const best = result.hypotheses[0];
    expect(best?.tokens).toEqual(reread);
    expect(best?.logProbability).toBeCloseTo(rescore(prompt, reread), 4);
  });

  it('beam search scores its hypotheses as a full re-read does (rows follow their beams)', async () => {
    const before = tf.memory().numTensors;
    const result = await decode(new ForwardStepper(model), Int32Array.from(prompt), {
      strategy: 'beam',
      maxNewTokens: 8,
      beam: { width: 4, nBest: 4, lengthPenalty: 1 },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.hypotheses).toHaveLength(4);
    for (const h of result.hypotheses) {
      expect(h.tokens).toHaveLength(8);
      expect(h.logProbability).toBeCloseTo(rescore(prompt, h.tokens), 4);
    }
  });

  it('leaks no tensor when sampling, streaming or stopping early', async () => {
    const before = tf.memory().numTensors;
    const options: DecodeOptions = {
      strategy: 'sample',
      maxNewTokens: 30,
      sampling: { seed: 3, temperature: 0.9, topP: 0.9 },
      repetitionPenalty: 1.3,
      stopSequences: [[3, 3]],
    };
    const result = await decode(new ForwardStepper(model), Int32Array.from(prompt), options);
    const streamed: number[] = [];
    for await (const t of decodeStream(
      new ForwardStepper(model),
      Int32Array.from(prompt),
      options,
    )) {
      streamed.push(t.token);
    }
    expect(streamed).toEqual(result.hypotheses[0]?.tokens);
    let count = 0;
    for await (const _ of decodeStream(
      new ForwardStepper(model),
      Int32Array.from(prompt),
      options,
    )) {
      if (++count === 3) break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
