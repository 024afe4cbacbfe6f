// One Adam (lr 1e-3) training step, timed until the loss is read back: ours through
// parameterGradients + Adam, tfjs-layers through optimizer.minimize, as each library is meant to
// be used.
import { Adam, type Model, parameterGradients } from '@recurrent/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Competitor } from '../measure.js';

/** `data`: the batch tensors, freed with the model. */
export function recurrentTrainingStep(
  model: Model,
  loss: () => tf.Scalar,
  data: tf.Tensor[],
): Competitor {
  const adam = new Adam({ lr: 1e-3 });
  return {
    run: async () => {
      const { value, grads } = parameterGradients(model.parameters(), loss);
      adam.step(grads);
      await value.data();
      tf.dispose([value, ...grads.values()]);
    },
    dispose: () => {
      adam.dispose();
      model.dispose();
      tf.dispose(data);
    },
  };
}

export function layersTrainingStep(
  model: tfl.LayersModel,
  loss: () => tf.Scalar,
  data: tf.Tensor[],
): Competitor {
  const optimizer = tf.train.adam(1e-3);
  return {
    run: async () => {
      const value = optimizer.minimize(loss, true);
      await value?.data();
      value?.dispose();
    },
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      tf.dispose(data);
    },
  };
}
