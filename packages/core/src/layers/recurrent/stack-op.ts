// The recurrent stack as one custom-gradient op: autograd sees (x, h0, c0, ...params) -> the
// packed [output, h_n, c_n], and its gradient is the hand-written backward through time of
// stack.ts, from the tape the forward pass saved. Without a gradient being recorded the stack
// runs directly, keeping no tape.
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '../../grad/custom-op.js';
import type { DirectionPath } from './direction.js';
import type { DirectionTape } from './runner.js';
import {
  packValue,
  type StackPlan,
  type StackTape,
  stackBackward,
  stackForward,
  unpackValue,
} from './stack.js';

export interface StackResult {
  output: tf.Tensor;
  h: tf.Tensor;
  c: tf.Tensor | undefined;
}

/** Runs the stack on (x, h0, c0, ...params), through autograd when it is recording. */
export function runStack<M>(
  plan: StackPlan,
  path: DirectionPath<M>,
  args: tf.Tensor[],
): StackResult {
  if (gradientsRecorded()) return unpackValue(plan, stackOp(plan, path)(...args));
  // As the custom op's forward does, inside tidy: only the results outlive it.
  return tf.tidy(() => {
    const pass = stackForward(plan, path, args, false);
    return {
      output: pass.output,
      h: tf.stack(pass.hLast),
      c: plan.cell.hasCellState ? tf.stack(pass.cLast) : undefined,
    } as unknown as tf.TensorContainer;
  }) as unknown as StackResult;
}

function stackOp<M>(plan: StackPlan, path: DirectionPath<M>) {
  return customOp((args, save) => {
    const forward = stackForward(plan, path, args, true);
    const stepSaved = forward.tape.directions[0]?.stepSaved.length ?? 0;
    save(packTape(forward.tape));
    return {
      value: packValue(plan, forward),
      gradFunc: (dy, saved) =>
        stackBackward(plan, path, dy, unpackTape(plan, saved, stepSaved), args.slice(3)),
    };
  });
}

/** The tape as the flat list of tensors tfjs keeps until backpropagation. */
function packTape(tape: StackTape): tf.Tensor[] {
  return [
    ...tape.layerInputs,
    ...tape.directions.flatMap((d) => [d.hPrev, ...(d.cPrev ? [d.cPrev] : []), ...d.stepSaved]),
    ...(tape.masks ? [tape.masks] : []),
    ...tape.dropoutMasks,
    ...(tape.inputIds ? [tape.inputIds] : []),
  ];
}

/** packTape's list read back (tfjs hands back its own kept copies). */
function unpackTape(plan: StackPlan, saved: tf.Tensor[], stepSaved: number): StackTape {
  let cursor = 0;
  const take = () => saved[cursor++] as tf.Tensor;
  const { numLayers: L, directions: D, cell } = plan;
  const layerInputs = Array.from({ length: L }, () => take() as tf.Tensor2D);
  const directions: DirectionTape[] = Array.from({ length: L * D }, () => ({
    hPrev: take() as tf.Tensor3D,
    cPrev: cell.hasCellState ? (take() as tf.Tensor3D) : undefined,
    stepSaved: Array.from({ length: stepSaved }, () => take() as tf.Tensor3D),
  }));
  const masks = plan.lengths ? (take() as tf.Tensor3D) : undefined;
  const dropoutMasks = plan.dropoutMasks.map(() => take() as tf.Tensor2D);
  const inputIds = plan.tokens ? (take() as tf.Tensor1D) : undefined;
  return { layerInputs, directions, masks, dropoutMasks, inputIds };
}

/** Whether tfjs is recording operations for gradients (inside tf.grad / variableGrads). */
function gradientsRecorded(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}
