// A batch cut by rows for data-parallel threads: the row ranges of the parts, each part's share
// of the loss, its inputs, targets and recurrent states as plain data a worker can be sent, and
// its loss and gradients computed on the thread that has it.
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../init/random.js';
import type { Parameter } from '../../layers/layer.js';
import type { ModelInputs } from '../../model/inputs.js';
import { batchTensors } from '../batch.js';
import { parameterGradients } from '../optimizer.js';
import { keepStates } from '../states.js';
import type { Batch, BatchGradients, States } from '../types.js';

export interface TensorData {
  data: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** Some rows of a batch as plain data for a worker: each input's rows (lengths as numbers). */
export interface BatchPart {
  inputs: Record<string, TensorData | number[]>;
  targets: TensorData;
}

/** Recurrent states as plain data, by layer name (a part's rows of them). */
export type StateData = Record<string, { h: TensorData; c?: TensorData }>;

/** Rows [start, end) of each part: as equal as possible, the first parts one longer. */
export function splitRows(rows: number, parts: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(parts, rows));
  const base = Math.floor(rows / count);
  const extra = rows % count;
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let k = 0; k < count; k++) {
    const end = start + base + (k < extra ? 1 : 0);
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/** The seed of part `k` of a batch whose dropout seed is `seed` (part 0 keeps it). */
export function partSeed(seed: number, k: number): number {
  return k === 0 ? seed : (seed ^ Math.imul(k, 0x9e3779b9)) >>> 0;
}

/**
 * Splits a tensor whose first axis is the batch (or a flat [rows * n] tensor) into the rows of
 * each range.
 */
function tensorRows(
  name: string,
  t: tf.Tensor,
  rows: number,
  ranges: ReadonlyArray<[number, number]>,
): TensorData[] {
  const perRow = t.size / rows;
  if (!Number.isInteger(perRow) || (t.shape[0] !== rows && t.rank !== 1)) {
    throw new Error(
      `data-parallel training: cannot split ${name} of shape [${t.shape}] into ${rows} rows`,
    );
  }
  const values = t.dataSync() as Float32Array | Int32Array;
  return ranges.map(([start, end]) => ({
    data: values.slice(start * perRow, end * perRow),
    shape: t.shape[0] === rows ? [end - start, ...t.shape.slice(1)] : [(end - start) * perRow],
    dtype: t.dtype === 'int32' ? 'int32' : 'float32',
  }));
}

/**
 * Each part's share of the batch's loss: its rows' share of the batch's row weights
 * (Batch.rowWeights), or of its rows.
 */
export function partShares(batch: Batch, ranges: ReadonlyArray<[number, number]>): number[] {
  const weights = batch.rowWeights;
  const rows = batchRows(batch);
  if (!weights) return ranges.map(([start, end]) => (end - start) / rows);
  if (weights.length !== rows || weights.some((w) => !(Number.isFinite(w) && w >= 0))) {
    throw new Error(
      `data-parallel training: rowWeights must be ${rows} finite non-negative numbers (one per row), got ${weights.length}`,
    );
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new Error('data-parallel training: the rowWeights of a batch sum to 0');
  return ranges.map(([start, end]) => weights.slice(start, end).reduce((a, b) => a + b, 0) / total);
}

/** Each range's rows of every input (along axis 0) and of the targets. */
export function splitBatch(batch: Batch, ranges: ReadonlyArray<[number, number]>): BatchPart[] {
  const rows = batchRows(batch);
  const parts: BatchPart[] = ranges.map(() => ({ inputs: {}, targets: undefined as never }));
  for (const [name, value] of Object.entries(batch.inputs)) {
    if (value === undefined) continue;
    const split =
      value instanceof tf.Tensor
        ? tensorRows(`input "${name}"`, value, rows, ranges)
        : listRows(name, value, rows, ranges);
    split.forEach((rowsOfPart, k) => {
      (parts[k] as BatchPart).inputs[name] = rowsOfPart;
    });
  }
  tensorRows('the targets', batch.targets, rows, ranges).forEach((targets, k) => {
    (parts[k] as BatchPart).targets = targets;
  });
  return parts;
}

/** The batch size: the first axis of the first tensor input (else of the targets). */
export function batchRows(batch: Batch): number {
  const first = Object.values(batch.inputs).find((v) => v instanceof tf.Tensor) as
    | tf.Tensor
    | undefined;
  return (first ?? batch.targets).shape[0] as number;
}

function listRows(
  name: string,
  values: readonly number[] | Int32Array,
  rows: number,
  ranges: ReadonlyArray<[number, number]>,
): number[][] {
  if (values.length !== rows) {
    throw new Error(
      `data-parallel training: input "${name}" has ${values.length} entries for ${rows} rows`,
    );
  }
  return ranges.map(([start, end]) => Array.from(values.slice(start, end)));
}

/** A part's tensors made again on this side. */
export function partBatch(part: BatchPart): Batch {
  const tensor = (t: TensorData) => tf.tensor(t.data, t.shape, t.dtype);
  const inputs: Record<string, tf.Tensor | number[]> = {};
  for (const [name, value] of Object.entries(part.inputs)) {
    inputs[name] = Array.isArray(value) ? value : tensor(value);
  }
  return { inputs: inputs as ModelInputs, targets: tensor(part.targets) };
}

/** The loss of a part's rows, and with a carried state the states they end with. */
export type PartLoss = (batch: Batch, random: Random) => { loss: tf.Scalar; states?: States };

/** The loss and gradients of one part of a batch (its tensors made here and freed after). */
export async function partGradients(
  parameters: readonly Parameter[],
  part: BatchPart,
  seed: number,
  loss: PartLoss,
): Promise<BatchGradients & { states?: States }> {
  const batch = partBatch(part);
  try {
    let states: States | undefined;
    const { value, grads } = parameterGradients(parameters, () =>
      tf.tidy(() => {
        const result = loss(batch, new Random(seed));
        if (result.states) states = keepStates(result.states);
        return result.loss;
      }),
    );
    const lossValue = (await value.data())[0] as number;
    value.dispose();
    return { loss: lossValue, grads, ...(states ? { states } : {}) };
  } finally {
    tf.dispose(batchTensors(batch));
  }
}

/**
 * Each range's rows of the states: axis 1 of every [layers · directions, B, H] tensor. `rows` is
 * the batch's; a state of another batch size is refused by name.
 */
export function splitStates(
  states: States,
  rows: number,
  ranges: ReadonlyArray<[number, number]>,
): StateData[] {
  const parts: StateData[] = ranges.map(() => ({}));
  const split = (name: string, t: tf.Tensor): TensorData[] => {
    if (t.rank !== 3 || t.shape[1] !== rows) {
      throw new Error(
        `data-parallel training: state ${name} of shape [${t.shape}] is not [layers, ${rows}, hidden] for a batch of ${rows} rows`,
      );
    }
    const [layers, , hidden] = t.shape as [number, number, number];
    const values = t.dataSync() as Float32Array;
    return ranges.map(([start, end]) => {
      const data = new Float32Array(layers * (end - start) * hidden);
      for (let l = 0; l < layers; l++) {
        const from = (l * rows + start) * hidden;
        data.set(values.subarray(from, from + (end - start) * hidden), l * (end - start) * hidden);
      }
      return { data, shape: [layers, end - start, hidden], dtype: 'float32' };
    });
  };
  for (const [name, state] of Object.entries(states)) {
    const h = split(`"${name}".h`, state.h);
    const c = state.c ? split(`"${name}".c`, state.c) : undefined;
    h.forEach((hk, k) => {
      (parts[k] as StateData)[name] = c ? { h: hk, c: c[k] as TensorData } : { h: hk };
    });
  }
  return parts;
}

export const stateFromData = (data: StateData): States => {
  const tensor = (t: TensorData) => tf.tensor(t.data, t.shape, 'float32');
  return Object.fromEntries(
    Object.entries(data).map(([name, s]) => [
      name,
      s.c ? { h: tensor(s.h), c: tensor(s.c) } : { h: tensor(s.h) },
    ]),
  );
};

export function stateToData(states: States): StateData {
  const data = (t: tf.Tensor): TensorData => ({
    // A copy: a backend's dataSync may return its own storage.
    data: (t.dataSync() as Float32Array).slice(),
    shape: t.shape,
    dtype: 'float32',
  });
  return Object.fromEntries(
    Object.entries(states).map(([name, s]) => [
      name,
      s.c ? { h: data(s.h), c: data(s.c) } : { h: data(s.h) },
    ]),
  );
}

/** The parts' final states joined along the rows (axis 1), in the order of the parts. */
export function joinStates(parts: readonly States[]): States {
  const [first] = parts;
  if (!first) return {};
  return tf.tidy(() => {
    const joined: States = {};
    for (const [name, state] of Object.entries(first)) {
      const of = (pick: (s: States[string]) => tf.Tensor | undefined) =>
        tf.keep(
          tf.concat(
            parts.map((p) => {
              const s = p[name];
              const t = s && pick(s);
              if (!t) throw new Error(`data-parallel training: a part returned no state "${name}"`);
              return t;
            }),
            1,
          ),
        );
      joined[name] = state.c ? { h: of((s) => s.h), c: of((s) => s.c) } : { h: of((s) => s.h) };
    }
    return joined as unknown as tf.TensorContainer;
  }) as unknown as States;
}
