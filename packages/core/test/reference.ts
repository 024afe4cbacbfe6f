// Independent reference implementations for tests: PyTorch's equations written plainly with
// tfjs-core primitives (per-step slices, no precomputed projections, no custom gradients), so
// tfjs autograd gives their gradients. Slow; for small test sizes only.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export interface ReferenceWeights {
  wih: tf.Tensor;
  whh: tf.Tensor;
  bih?: tf.Tensor;
  bhh?: tf.Tensor;
}

function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const y = tf.matMul(x, w, false, true);
  return b ? tf.add(y, b) : y;
}

/** One cell step, straight from the PyTorch docs. */
function cellStep(
  kind: 'rnn-tanh' | 'rnn-relu' | 'lstm' | 'gru',
  x: tf.Tensor,
  h: tf.Tensor,
  c: tf.Tensor | undefined,
  w: ReferenceWeights,
) {
  const gi = linear(x, w.wih, w.bih);
  const gh = linear(h, w.whh, w.bhh);
  if (kind === 'rnn-tanh') return { h: tf.tanh(tf.add(gi, gh)) };
  if (kind === 'rnn-relu') return { h: tf.relu(tf.add(gi, gh)) };
  if (kind === 'lstm') {
    const [i, f, g, o] = tf.split(tf.add(gi, gh), 4, 1) as tf.Tensor[];
    const cNew = tf.add(
      tf.mul(tf.sigmoid(f as tf.Tensor), c as tf.Tensor),
      tf.mul(tf.sigmoid(i as tf.Tensor), tf.tanh(g as tf.Tensor)),
    );
    return { h: tf.mul(tf.sigmoid(o as tf.Tensor), tf.tanh(cNew)), c: cNew };
  }
  const [ir, iz, inn] = tf.split(gi, 3, 1) as tf.Tensor[];
  const [hr, hz, hn] = tf.split(gh, 3, 1) as tf.Tensor[];
  const r = tf.sigmoid(tf.add(ir as tf.Tensor, hr as tf.Tensor));
  const z = tf.sigmoid(tf.add(iz as tf.Tensor, hz as tf.Tensor));
  const n = tf.tanh(tf.add(inn as tf.Tensor, tf.mul(r, hn as tf.Tensor)));
  return { h: tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) };
}

/**
 * nn.RNN/LSTM/GRU(batch_first=True) over x [B, T, I] with packed-sequence semantics for `lengths`:
 * each row runs only over its real steps (the reverse direction from its last real step).
 * weights[l][d]; h0/c0 [L*D, B, H]. Returns output [B, T, D*H] (0 past lengths), h_n, c_n.
 */
export function referenceRecurrent(
  kind: 'rnn-tanh' | 'rnn-relu' | 'lstm' | 'gru',
  x: tf.Tensor,
  weights: ReferenceWeights[][],
  h0: tf.Tensor,
  c0: tf.Tensor | undefined,
  lengths: number[],
): { output: tf.Tensor; h: tf.Tensor; c?: tf.Tensor } {
  const [B, T] = x.shape as [number, number, number];
  const D = weights[0]?.length as number;
  const hs: tf.Tensor[] = [];
  const cs: tf.Tensor[] = [];
  let input = x;
  weights.forEach((layer, l) => {
    const directions = layer.map((w, d) => {
      // Row by row, so a row simply stops at its length: the most literal packed semantics.
      const rows = Array.from({ length: B }, (_, b) => {
        const length = lengths[b] as number;
        const index = l * D + d;
        let h = tf.reshape(tf.slice(h0, [index, b, 0], [1, 1, -1]), [1, -1]);
        let c = c0 ? tf.reshape(tf.slice(c0, [index, b, 0], [1, 1, -1]), [1, -1]) : undefined;
        const outs: tf.Tensor[] = new Array(T);
        const order = Array.from({ length }, (_, s) => (d === 1 ? length - 1 - s : s));
        for (const t of order) {
          const step = cellStep(
            kind,
            tf.reshape(tf.slice(input, [b, t, 0], [1, 1, -1]), [1, -1]),
            h,
            c,
            w,
          );
          h = step.h;
          c = step.c;
          outs[t] = h;
        }
        const H = h.shape[1] as number;
        for (let t = length; t < T; t++) outs[t] = tf.zeros([1, H]);
        return { out: tf.concat(outs as tf.Tensor[], 0), h, c };
      });
      return {
        out: tf.stack(rows.map((r) => r.out)),
        h: tf.concat(
          rows.map((r) => r.h),
          0,
        ),
        c: rows[0]?.c
          ? tf.concat(
              rows.map((r) => r.c as tf.Tensor),
              0,
            )
          : undefined,
      };
    });
    for (const d of directions) {
      hs.push(d.h);
      if (d.c) cs.push(d.c);
    }
    input =
      D === 2
        ? tf.concat(
            directions.map((d) => d.out),
            2,
          )
        : (directions[0]?.out as tf.Tensor);
  });
  return { output: input, h: tf.stack(hs), ...(cs.length > 0 ? { c: tf.stack(cs) } : {}) };
}
