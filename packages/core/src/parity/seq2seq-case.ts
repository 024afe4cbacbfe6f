// kind "seq2seq-*": an encoder-decoder with attention, teacher-forced (PyTorch's translation
// tutorial: fixtures/parity/make_fixtures.py, bahdanau_seq2seq_case). The model is read off the
// state_dict's names and shapes, so cases that vary sizes, cells (rnn / gru / lstm), layers,
// directions and the attention run without a description of their own:
//   encoder.<emb>.weight [Vs, E], encoder.<rnn>.weight_ih_l<k>[_reverse] ...  (gate rows give the cell)
//   decoder.<emb>.weight [Vt, E'], decoder.<rnn>.*, decoder.out.*
//   decoder.attention.Wa/Ua/Va: bahdanau; .W and .v: luong-concat; .W: luong-general;
//   decoder.combine: Luong's combination (combine "output"); decoder.bridge.h: a dense bridge.
// Inputs: src [B, S], tgt [B, T], optional src_lengths / tgt_lengths [B]. The decoder reads
// [sos, tgt[:, :-1]] and the labels are tgt; the loss is the mean NLL over the real target tokens.
// Expected: log_probs [B, T, Vt] (and logits when present), attention [B, T, S], h_n (c_n),
// loss and grad.<param> for every parameter.
import * as tf from '@tensorflow/tfjs-core';
import { compile, loadTorchWeights, readSafetensors, type SafetensorsFile } from '../index.js';
import { seq2seqLoss } from '../seq2seq/seq2seq-loss.js';
import type { Seq2seqModel } from '../seq2seq/seq2seq-model.js';
import { Checker } from './checker.js';
import { intTensor, type ParityCase } from './fixture.js';

interface Seq2seqDescription {
  kind: string;
  sizes?: Record<string, unknown> & { sos_id?: number };
  /** Optional overrides of what the weights cannot tell. */
  attention?: string;
  bridge?: 'copy' | 'dense' | 'zeros';
  tolerance: { forward_atol: number; grad_atol: number; grad_rtol: number };
}

const cellsByGates: Record<number, 'rnn' | 'gru' | 'lstm'> = { 1: 'rnn', 3: 'gru', 4: 'lstm' };

/** The layers of one side (encoder or decoder) read off the weight names. */
function sideLayers(
  weights: SafetensorsFile,
  side: 'encoder' | 'decoder',
  description: Seq2seqDescription,
): { layers: Record<string, unknown>[]; embeddingDim: number; hidden: number; output: number } {
  const names = weights.names().filter((n) => n.startsWith(`${side}.`));
  const shape = (name: string) => weights.entry(name).shape as number[];
  const recurrent = names
    .map((n) => /^[^.]+\.([^.]+)\.weight_ih_l(\d+)(_reverse)?$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null);
  const rnnName = recurrent[0]?.[1];
  if (rnnName === undefined) throw new Error(`${side}: no recurrent weights (weight_ih_l0) found`);
  const embeddingName = names
    .map((n) => /^[^.]+\.([^.]+)\.weight$/.exec(n)?.[1])
    .find(
      (n) =>
        n !== undefined &&
        !['out', 'combine'].includes(n) &&
        shape(`${side}.${n}.weight`).length === 2,
    );
  if (embeddingName === undefined) throw new Error(`${side}: no embedding weight found`);
  const [rows, embeddingDim] = shape(`${side}.${embeddingName}.weight`) as [number, number];
  const [gateRows, hidden] = shape(`${side}.${rnnName}.weight_hh_l0`) as [number, number];
  const cell = cellsByGates[gateRows / hidden];
  if (!cell)
    throw new Error(`${side}.${rnnName}: ${gateRows / hidden} gate blocks is no known cell`);
  const numLayers = Math.max(...recurrent.map((m) => Number(m[2]))) + 1;
  const bidirectional = recurrent.some((m) => m[3] !== undefined);
  const sizes = description.sizes ?? {};
  const paddingIdx = typeof sizes.padding_idx === 'number' ? sizes.padding_idx : null;
  const nonlinearity = sizes.nonlinearity === 'relu' ? 'relu' : 'tanh';
  return {
    layers: [
      {
        type: 'embedding',
        name: embeddingName,
        embeddingDim,
        numEmbeddings: rows,
        paddingIdx,
        unknownIdx: null,
      },
      {
        type: cell,
        name: rnnName,
        hiddenSize: hidden,
        numLayers,
        bidirectional,
        bias: names.includes(`${side}.${rnnName}.bias_ih_l0`),
        ...(cell === 'rnn' ? { nonlinearity } : {}),
      },
    ],
    embeddingDim,
    hidden,
    output: hidden * (bidirectional ? 2 : 1),
  };
}

/** The Recurrent translation spec of the case's PyTorch model. */
export function seq2seqCaseSpec(
  name: string,
  weights: SafetensorsFile,
  description: Seq2seqDescription,
): Record<string, unknown> {
  const has = (n: string) => weights.entries.has(n);
  const encoder = sideLayers(weights, 'encoder', description);
  const decoder = sideLayers(weights, 'decoder', description);
  let attention: Record<string, unknown>;
  if (has('decoder.attention.Wa.weight')) {
    attention = { type: 'bahdanau', size: weights.entry('decoder.attention.Wa.weight').shape[0] };
  } else if (has('decoder.attention.W.weight') && has('decoder.attention.v.weight')) {
    attention = {
      type: 'luong-concat',
      size: weights.entry('decoder.attention.W.weight').shape[0],
    };
  } else if (has('decoder.attention.W.weight')) {
    attention = { type: 'luong-general' };
  } else {
    const type = description.attention ?? (has('decoder.combine.weight') ? 'luong-dot' : 'none');
    attention = { type };
  }
  const combine = has('decoder.combine.weight') ? 'output' : 'input';
  if (attention.type !== 'none') attention.combine = combine;
  const rnn = decoder.layers[1] as { name: string };
  const rnnInput = weights.entry(`decoder.${rnn.name}.weight_ih_l0`).shape[1] as number;
  const inputFeeding = combine === 'output' && rnnInput === decoder.embeddingDim + decoder.hidden;
  const bridge = has('decoder.bridge.h.weight') ? 'dense' : (description.bridge ?? 'copy');
  return {
    version: 1,
    name: name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]/, 'x'),
    task: 'translation',
    input: { tokenizer: { type: 'word' } },
    target: { tokenizer: { type: 'word' } },
    encoder: { layers: encoder.layers },
    decoder: { layers: decoder.layers, attention, inputFeeding, bridge },
    training: { optimizer: { type: 'adam' } },
  };
}

/** [sos, tgt[:, :-1]]: what the decoder reads, teacher-forced. */
function decoderInput(tgt: SafetensorsFile, sos: number): tf.Tensor2D {
  const labels = tgt.int32('tgt');
  const [B, T] = tgt.entry('tgt').shape as [number, number];
  const input = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    input[b * T] = sos;
    for (let i = 1; i < T; i++) input[b * T + i] = labels[b * T + i - 1] as number;
  }
  return tf.tensor2d(input, [B, T], 'int32');
}

export async function runSeq2seqCase(fixture: ParityCase, backend: string): Promise<Checker> {
  const c = fixture.description as unknown as Seq2seqDescription;
  const t = fixture.tensors;
  const weights = readSafetensors(fixture.weightsBytes, fixture.weightsPath);
  const spec = seq2seqCaseSpec(fixture.name, weights, c);
  const inputNames = ['src', 'tgt', 'src_lengths', 'tgt_lengths'];
  const checker = new Checker(t, new Set(inputNames.filter((n) => t.entries.has(n))));
  const forwardTol = { atol: c.tolerance.forward_atol, rtol: 0 };
  const gradTol = { atol: c.tolerance.grad_atol, rtol: c.tolerance.grad_rtol };
  const model = (await compile(spec, { backend })) as Seq2seqModel;
  const source = intTensor(t, 'src');
  const labels = intTensor(t, 'tgt');
  const target = decoderInput(t, c.sizes?.sos_id ?? 0);
  const lengths = (name: string) => (t.entries.has(name) ? t.int32(name) : undefined);
  const inputs = {
    source,
    sourceLengths: lengths('src_lengths'),
    target,
    targetLengths: lengths('tgt_lengths'),
  };
  try {
    loadTorchWeights(model, fixture.weightsBytes, { source: fixture.weightsPath });
    tf.tidy(() => {
      const parameters = model.parameters();
      const { value, grads } = tf.variableGrads(
        () => {
          // Eval mode, as the fixture: dropout off.
          const { output, attention, states } = model.forward(inputs);
          if (checker.has('logits')) checker.check('logits', output, forwardTol);
          checker.check('log_probs', tf.logSoftmax(output), forwardTol);
          checker.check('attention', attention as tf.Tensor, forwardTol);
          const final = states.decoder;
          if (final) {
            checker.check('h_n', final.h, forwardTol);
            if (final.c) checker.check('c_n', final.c, forwardTol);
          }
          const loss = seq2seqLoss(model, { inputs, targets: labels }, undefined);
          checker.check('loss', tf.reshape(loss, [1]), forwardTol);
          return loss;
        },
        parameters.map((p) => p.variable),
      );
      for (const parameter of parameters) {
        const grad = grads[parameter.variable.name];
        checker.check(`grad.${parameter.name}`, grad ?? tf.zerosLike(parameter.variable), gradTol);
      }
      tf.dispose([value, ...Object.values(grads)]);
    });
  } finally {
    tf.dispose([source, labels, target]);
    model.dispose();
  }
  return checker;
}
