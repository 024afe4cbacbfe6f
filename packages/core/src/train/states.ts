// Recurrent states as training carries them: from one truncated-BPTT chunk to the next, and (with
// FitOptions.carryState) from one batch to the next. States are by recurrent layer name, each
// [layers · directions, B, H] as model.forward takes and returns them, so a batch's rows are on
// axis 1.
import * as tf from '@tensorflow/tfjs-core';
import type { RecurrentState } from '../layers/layer.js';
import type { States } from './types.js';

/** Every tensor of `states` (none for undefined). */
export const stateTensors = (states: States | undefined): tf.Tensor[] =>
  Object.values(states ?? {}).flatMap((s) => (s.c ? [s.h, s.c] : [s.h]));

/** The states kept out of the tf.tidy that made them (they outlive it: they start what follows). */
export function keepStates(states: States): States {
  return mapStates(states, (t) => tf.keep(t));
}

/** A copy that its owner may dispose independently of `states`. */
export function cloneStates(states: States): States {
  return mapStates(states, (t) => tf.clone(t));
}

function mapStates(states: States, f: (t: tf.Tensor) => tf.Tensor): States {
  return Object.fromEntries(
    Object.entries(states).map(([name, s]): [string, RecurrentState] => [
      name,
      s.c ? { h: f(s.h), c: f(s.c) } : { h: f(s.h) },
    ]),
  );
}
