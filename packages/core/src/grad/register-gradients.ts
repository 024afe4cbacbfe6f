// Gradients of the tfjs-core kernels that Recurrent's models use outside their own custom-gradient
// ops (reshapes, slices and arithmetic between layers, losses written from primitives).
// Porting note: tfjs-core's Node bundle registers no gradients at all, and its full
// register_all_gradients module cannot be imported from plain Node ESM; these follow tfjs-core's
// own gradient definitions (Apache-2.0) and are registered only where none exists yet, so an app
// that loads the complete set (e.g. through @tensorflow/tfjs) keeps it.
import * as tf from '@tensorflow/tfjs-core';

type Saved = tf.Tensor[];
type Attrs = Record<string, unknown>;
type GradFunc = (
  dy: tf.Tensor | tf.Tensor[],
  saved: Saved,
  attrs: Attrs,
) => Record<string, () => tf.Tensor>;

interface Gradient {
  kernelName: string;
  inputsToSave?: string[];
  outputsToSave?: boolean[];
  saveAllInputs?: boolean;
  gradFunc: GradFunc;
}

/** Sums `grad` over the axes that broadcasting added, back to `shape`. */
function unbroadcast(grad: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, grad.shape);
  const reduced = axes.length > 0 ? tf.sum(grad, axes) : grad;
  return tf.reshape(reduced, shape);
}

const binary = (
  kernelName: string,
  da: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  db: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): Gradient => ({
  kernelName,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]) => ({
    a: () =>
      unbroadcast(da(dy as tf.Tensor, a as tf.Tensor, b as tf.Tensor), (a as tf.Tensor).shape),
    b: () =>
      unbroadcast(db(dy as tf.Tensor, a as tf.Tensor, b as tf.Tensor), (b as tf.Tensor).shape),
  }),
});

const gradients: Gradient[] = [
  { kernelName: 'Identity', gradFunc: (dy) => ({ x: () => tf.clone(dy as tf.Tensor) }) },
  { kernelName: 'Cast', gradFunc: (dy) => ({ x: () => tf.clone(dy as tf.Tensor) }) },
  {
    kernelName: 'Reshape',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as tf.Tensor, (x as tf.Tensor).shape) }),
  },
  binary(
    'Add',
    (dy) => dy,
    (dy) => dy,
  ),
  binary(
    'Sub',
    (dy) => dy,
    (dy) => tf.neg(dy),
  ),
  binary(
    'Multiply',
    (dy, _a, b) => tf.mul(dy, b),
    (dy, a) => tf.mul(dy, a),
  ),
  binary(
    'RealDiv',
    (dy, _a, b) => tf.div(dy, b),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, a), tf.square(b))),
  ),
  { kernelName: 'Neg', gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }) },
  {
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => expandReduced(dy as tf.Tensor, x as tf.Tensor, attrs.axis as number | number[]),
    }),
  },
  {
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => {
        const input = x as tf.Tensor;
        const axes = tf.util.parseAxisParam(attrs.axis as number | number[], input.shape);
        const count = axes.reduce((n, axis) => n * (input.shape[axis] as number), 1);
        return tf.div(expandReduced(dy as tf.Tensor, input, axes), count);
      },
    }),
  },
  {
    kernelName: 'Slice',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({
      x: () => {
        const input = x as tf.Tensor;
        const [begin, size] = tf.slice_util.parseSliceParams(
          input,
          attrs.begin as number[],
          attrs.size as number[],
        ) as [number[], number[]];
        const paddings = input.shape.map(
          (dim, i) =>
            [begin[i] as number, dim - (begin[i] as number) - (size[i] as number)] as [
              number,
              number,
            ],
        );
        return tf.pad(dy as tf.Tensor, paddings);
      },
    }),
  },
  {
    kernelName: 'Concat',
    saveAllInputs: true,
    gradFunc: (dy, inputs, attrs) => {
      const axis = tf.util.parseAxisParam(
        attrs.axis as number,
        (inputs[0] as tf.Tensor).shape,
      )[0] as number;
      const pieces = tf.split(
        dy as tf.Tensor,
        inputs.map((t) => t.shape[axis] as number),
        axis,
      );
      return Object.fromEntries(pieces.map((piece, i) => [String(i), () => piece]));
    },
  },
  {
    kernelName: 'Pack',
    saveAllInputs: true,
    gradFunc: (dy, _inputs, attrs) => {
      const pieces = tf.unstack(dy as tf.Tensor, attrs.axis as number);
      return Object.fromEntries(pieces.map((piece, i) => [String(i), () => piece]));
    },
  },
  {
    kernelName: 'Transpose',
    gradFunc: (dy, _saved, attrs) => ({
      x: () =>
        tf.transpose(
          dy as tf.Tensor,
          tf.backend_util.getUndoAxesPermutation(attrs.perm as number[]),
        ),
    }),
  },
  {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const g = dy as tf.Tensor;
      const A = a as tf.Tensor;
      const B = b as tf.Tensor;
      const ta = attrs.transposeA === true;
      const tb = attrs.transposeB === true;
      const da =
        !ta && !tb
          ? () => tf.matMul(g, B, false, true)
          : !ta && tb
            ? () => tf.matMul(g, B)
            : ta && !tb
              ? () => tf.matMul(B, g, false, true)
              : () => tf.matMul(B, g, true, true);
      const db =
        !ta && !tb
          ? () => tf.matMul(A, g, true, false)
          : !ta && tb
            ? () => tf.matMul(g, A, true, false)
            : ta && !tb
              ? () => tf.matMul(A, g)
              : () => tf.matMul(g, A, true, true);
      return { a: () => unbroadcast(da(), A.shape), b: () => unbroadcast(db(), B.shape) };
    },
  },
  {
    kernelName: 'Tanh',
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({
      x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(y as tf.Tensor))),
    }),
  },
  {
    kernelName: 'Sigmoid',
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({
      x: () => tf.mul(dy as tf.Tensor, tf.mul(y as tf.Tensor, tf.sub(1, y as tf.Tensor))),
    }),
  },
  {
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.step(x as tf.Tensor)) }),
  },
  {
    kernelName: 'Exp',
    outputsToSave: [true],
    gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as tf.Tensor, y as tf.Tensor) }),
  },
  {
    kernelName: 'Log',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as tf.Tensor, x as tf.Tensor) }),
  },
  {
    kernelName: 'Square',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.mul(x as tf.Tensor, 2)) }),
  },
  {
    kernelName: 'Sqrt',
    inputsToSave: ['x'],
    gradFunc: (dy, [x]) => ({
      x: () => tf.div(dy as tf.Tensor, tf.mul(tf.sqrt(x as tf.Tensor), 2)),
    }),
  },
];

/** Broadcasts the gradient of a reduction back over the reduced axes of `x`. */
function expandReduced(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const expanded = x.shape.map((dim, i) => (axes.includes(i) ? 1 : dim));
  return tf.mul(tf.reshape(dy, expanded), tf.ones(x.shape));
}

let registered = false;

/** Registers the gradients above for kernels that have none. Idempotent. */
export function registerGradients(): void {
  if (registered) return;
  registered = true;
  for (const gradient of gradients) {
    if (tf.getGradient(gradient.kernelName) === undefined)
      tf.registerGradient(gradient as unknown as tf.GradConfig);
  }
}
