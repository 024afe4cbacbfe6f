// Adam's update of one parameter as a single backend kernel: a backend may register
// "RecurrentAdamUpdate" to replace the ~10 tfjs ops (and their temporaries) per parameter of
// optimizer.ts's ops path, whose per-op overhead dominates small models. The kernel must give the
// ops path's results exactly: adamUpdateValues below is that arithmetic on Float32Arrays, every
// intermediate rounded to float32 (Math.fround) as each tfjs op rounds its output, for backends that
// can hand their tensors' memory to JavaScript.
//
// RecurrentAdamUpdate inputs  param, grad, then m, v (absent on the first step), vMax (amsgrad,
//                             when the previous step kept one)
//                     attrs   AdamCoefficients
//                     outputs param', m', v', then vMax' (amsgrad only): new tensors, never the
//                             inputs' memory (backends cache products and transposes of a weight by
//                             its data, and a restored state may share data with a checkpoint)
import * as tf from '@tensorflow/tfjs-core';

export const adamUpdateKernel = 'RecurrentAdamUpdate';

/** The numbers one Adam step uses, as the ops path turns them into float32 scalars. */
export interface AdamCoefficients {
  beta1: number;
  beta2: number;
  eps: number;
  /** lr / (1 - beta1^step). */
  stepSize: number;
  /** sqrt(1 - beta2^step). */
  biasCorrection2Sqrt: number;
  /** L2 weight decay added to the gradient (Adam), 0 for none. */
  l2: number;
  /** Decoupled weight decay (AdamW): the weights are first multiplied by 1 - lr * wd; 1 for none. */
  decayFactor: number;
  amsgrad: boolean;
}

/** Whether the active backend has the fused update. */
export function fusedAdamAvailable(): boolean {
  return tf.getKernel(adamUpdateKernel, tf.getBackend()) !== undefined;
}

export interface AdamArrays {
  param: Float32Array;
  m: Float32Array;
  v: Float32Array;
  /** amsgrad only. */
  vMax?: Float32Array | undefined;
}

const f = Math.fround;

/**
 * One Adam step over flat arrays: `out` gets the new values from `param`, `grad` and the previous
 * moments (`previous` undefined on the first step; its vMax undefined when there was none).
 */
export function adamUpdateValues(
  c: AdamCoefficients,
  param: Float32Array,
  grad: Float32Array,
  previous: { m: Float32Array; v: Float32Array; vMax?: Float32Array | undefined } | undefined,
  out: AdamArrays,
): void {
  const n = param.length;
  const beta1 = f(c.beta1);
  const beta2 = f(c.beta2);
  const oneMinusBeta1 = f(1 - c.beta1);
  const oneMinusBeta2 = f(1 - c.beta2);
  const eps = f(c.eps);
  const stepSize = f(c.stepSize);
  const correction2 = f(c.biasCorrection2Sqrt);
  const l2 = f(c.l2);
  const decay = f(c.decayFactor);
  const decoupled = c.decayFactor !== 1;
  const { amsgrad } = c;
  const mPrev = previous?.m;
  const vPrev = previous?.v;
  const vMaxPrev = previous?.vMax;
  const { param: pOut, m: mOut, v: vOut, vMax: vMaxOut } = out;
  if (amsgrad && !vMaxOut) throw new Error('Adam update: amsgrad needs a vMax output');
  for (let i = 0; i < n; i++) {
    const p = param[i] as number;
    let g = grad[i] as number;
    if (l2 !== 0) g = f(g + f(p * l2));
    const weights = decoupled ? f(p * decay) : p;
    const gScaled = f(g * oneMinusBeta1);
    const m = mPrev ? f(f((mPrev[i] as number) * beta1) + gScaled) : gScaled;
    const gSquared = f(f(g * g) * oneMinusBeta2);
    const v = vPrev ? f(f((vPrev[i] as number) * beta2) + gSquared) : gSquared;
    let second = v;
    if (amsgrad) {
      // tf.maximum: NaN wins, as Math.max.
      second = vMaxPrev ? Math.max(vMaxPrev[i] as number, v) : v;
      (vMaxOut as Float32Array)[i] = second;
    }
    const denom = f(f(f(Math.sqrt(second)) / correction2) + eps);
    pOut[i] = f(weights - f(f(m / denom) * stepSize));
    mOut[i] = m;
    vOut[i] = v;
  }
}
