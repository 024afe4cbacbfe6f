// The named inputs of a compiled model: what `Model.forward` takes, described by the model itself
// (`model.inputs`), so that training, data parallelism and truncated BPTT handle any model without
// knowing its task: a text model takes { tokens, lengths? } (and { characters } with a
// character-level word encoder), a numeric one { features, lengths? }, and an encoder-decoder
// { source, sourceLengths?, target, targetLengths? }.
import * as tf from '@tensorflow/tfjs-core';

/** Real length of each row of a right-padded input (packed-sequence semantics). */
export type Lengths = readonly number[] | Int32Array | tf.Tensor;

/** One input value: a tensor, or the lengths of a padded one. */
export type InputValue = tf.Tensor | Lengths;

/** A model's inputs by name; an undefined value is the same as an absent one. */
export type ModelInputs = Readonly<Record<string, InputValue | undefined>>;

/**
 * Inputs of a model over token ids (an embedding first); `characters` (int32 [batch, time, chars])
 * when the embedding has a character-level word encoder.
 */
export type TokenInputs = {
  tokens: tf.Tensor;
  lengths?: Lengths | undefined;
  characters?: tf.Tensor | undefined;
};
/** Inputs of a model over numeric features per step. */
export type FeatureInputs = { features: tf.Tensor; lengths?: Lengths | undefined };
/** Inputs of an encoder-decoder model (translation): source and target sequences. */
export type Seq2SeqInputs = {
  source: tf.Tensor;
  sourceLengths?: Lengths | undefined;
  target: tf.Tensor;
  targetLengths?: Lengths | undefined;
};

/**
 * An axis of an input: the batch, the (padded) time axis, the (padded) characters of each token
 * (any size), or a fixed size.
 */
export type InputAxis = 'batch' | 'time' | 'chars' | number;

export interface InputDescription {
  readonly name: string;
  readonly dtype: 'int32' | 'float32';
  /** Axes, batch first: ['batch', 'time'] for token ids, ['batch'] for lengths. */
  readonly shape: readonly InputAxis[];
  readonly required: boolean;
  /** On a lengths input: the input whose padded time axis it measures. */
  readonly lengthsOf?: string;
  /** An input whose time axis (axis 1) is that of another input, named here (e.g. "tokens"). */
  readonly alignedWith?: string;
  /**
   * The model reads this input's values on the CPU (which character ids are real), so it must be
   * a tensor made from values (`tf.tensor(...)`): every backend keeps those readable synchronously
   * until a kernel uses them. Batch splitting and time chunking keep it so.
   */
  readonly readOnHost?: boolean;
  /** What it is, in a few words (for errors and summaries). */
  readonly meaning: string;
}

/** The inputs of a layer stack that starts on token ids (features undefined) or on features. */
export function layerStackInputs(features: number | undefined): InputDescription[] {
  const sequence: InputDescription =
    features === undefined
      ? {
          name: 'tokens',
          dtype: 'int32',
          shape: ['batch', 'time'],
          required: true,
          meaning: 'token ids',
        }
      : {
          name: 'features',
          dtype: 'float32',
          shape: ['batch', 'time', features],
          required: true,
          meaning: 'features per step',
        };
  return [sequence, lengthsInput('lengths', sequence.name)];
}

/** The optional lengths input of a sequence input. */
export function lengthsInput(name: string, of: string): InputDescription {
  return {
    name,
    dtype: 'int32',
    shape: ['batch'],
    required: false,
    lengthsOf: of,
    meaning: `real length of each row of "${of}"`,
  };
}

/** The characters input of a character-level word encoder over the tokens of input `of`. */
export function charactersInput(of: string): InputDescription {
  return {
    name: 'characters',
    dtype: 'int32',
    shape: ['batch', 'time', 'chars'],
    required: true,
    alignedWith: of,
    readOnHost: true,
    meaning: `character ids of each token of "${of}", right-padded with 0`,
  };
}

/** "int32 [batch, time]" */
export function describeInput(input: InputDescription): string {
  return `${input.dtype} [${input.shape.join(', ')}]`;
}

/** Inputs checked against the model's description: tensors and lengths (as Int32Array) by name. */
export interface CheckedInputs {
  readonly tensors: ReadonlyMap<string, tf.Tensor>;
  readonly lengths: ReadonlyMap<string, Int32Array>;
}

type Fail = (message: string) => never;

/**
 * Checks `inputs` against `described` (known names, required ones present, dtypes, ranks, fixed
 * sizes, one batch size) with errors that name the model, the input, what was expected and what
 * came. Lengths are read into Int32Arrays; the layers check them against the time axis.
 */
export function checkInputs(
  model: string,
  described: readonly InputDescription[],
  inputs: ModelInputs,
): CheckedInputs {
  const fail: Fail = (message) => {
    throw new Error(`model "${model}": ${message}`);
  };
  refuseUnknown(described, inputs, fail);
  const tensors = new Map<string, tf.Tensor>();
  const lengths = new Map<string, Int32Array>();
  const rows: Array<[string, number]> = [];
  for (const d of described) {
    const value = inputs[d.name];
    if (value === undefined) {
      if (d.required) fail(`missing input "${d.name}" (${d.meaning}): ${describeInput(d)}`);
    } else if (d.lengthsOf !== undefined) {
      const read = lengthsValue(d, value, fail);
      lengths.set(d.name, read);
      rows.push([d.name, read.length]);
    } else {
      const tensor = tensorValue(d, value, fail);
      tensors.set(d.name, tensor);
      rows.push([d.name, tensor.shape[0] as number]);
    }
  }
  const [first] = rows;
  for (const [name, count] of rows) {
    if (first && count !== first[1]) {
      fail(`input "${name}" has ${count} rows but "${first[0]}" has ${first[1]}`);
    }
  }
  for (const d of described) {
    const tensor = tensors.get(d.name);
    const other = d.alignedWith === undefined ? undefined : tensors.get(d.alignedWith);
    if (tensor && other && tensor.shape[1] !== other.shape[1]) {
      fail(
        `input "${d.name}" [${tensor.shape.join(', ')}] has ${tensor.shape[1]} time steps but "${d.alignedWith}" [${other.shape.join(', ')}] has ${other.shape[1]}: one entry per token`,
      );
    }
  }
  return { tensors, lengths };
}

function refuseUnknown(described: readonly InputDescription[], inputs: ModelInputs, fail: Fail) {
  for (const name of Object.keys(inputs)) {
    if (inputs[name] !== undefined && !described.some((d) => d.name === name)) {
      fail(`unknown input "${name}"; it takes ${described.map(signature).join(', ')}`);
    }
  }
}

function tensorValue(d: InputDescription, value: InputValue, fail: Fail): tf.Tensor {
  const tensor = value instanceof tf.Tensor ? value : undefined;
  if (!tensor || !fits(tensor, d)) {
    const got = tensor ? `${tensor.dtype} [${tensor.shape.join(', ')}]` : describeValue(value);
    fail(`input "${d.name}" (${d.meaning}) must be ${describeInput(d)}, got ${got}`);
  }
  return tensor as tf.Tensor;
}

function lengthsValue(d: InputDescription, value: InputValue, fail: Fail): Int32Array {
  return toLengths(value, (got) =>
    fail(
      `input "${d.name}" (${d.meaning}) must be a number[], an Int32Array or a 1-D tensor [batch], got ${got}`,
    ),
  );
}

function signature(d: InputDescription): string {
  return `"${d.name}"${d.required ? '' : ' (optional)'}: ${describeInput(d)}`;
}

function fits(tensor: tf.Tensor, d: InputDescription): boolean {
  if (tensor.dtype !== d.dtype || tensor.rank !== d.shape.length) return false;
  return d.shape.every((axis, i) => typeof axis !== 'number' || tensor.shape[i] === axis);
}

function describeValue(value: InputValue): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return value.constructor.name;
}

function toLengths(value: InputValue, fail: (got: string) => never): Int32Array {
  if (value instanceof Int32Array) return value;
  if (Array.isArray(value)) return Int32Array.from(value as readonly number[]);
  if (value instanceof tf.Tensor) {
    if (value.rank !== 1) return fail(`a tensor [${value.shape.join(', ')}]`);
    return Int32Array.from(value.dataSync() as ArrayLike<number>);
  }
  return fail(describeValue(value));
}

/** Every tensor among `inputs` (to dispose a batch). */
export function inputTensors(inputs: ModelInputs): tf.Tensor[] {
  return Object.values(inputs).filter((v): v is tf.Tensor => v instanceof tf.Tensor);
}
