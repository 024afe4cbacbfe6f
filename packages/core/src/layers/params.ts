// Creating a layer's parameters (values from an initializer, wrapped as named tf.Variables) and
// replacing their values.
import * as tf from '@tensorflow/tfjs-core';
import { type InitializerName, initialValues } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import type { Parameter } from './layer.js';

export function createParameter(
  layerName: string,
  param: string,
  shape: number[],
  initializer: InitializerName,
  random: Random,
  pytorchDefault: () => Float32Array,
  trainable = true,
  /** Edits the initial values before they become a variable (padding rows, forget-gate bias). */
  adjust?: (values: Float32Array) => void,
): Parameter {
  const values = initialValues(initializer, shape, random, pytorchDefault);
  adjust?.(values);
  // Variables are left unnamed: tfjs names are global, and two models may share layer names.
  const variable = tf.tidy(() => tf.variable(tf.tensor(values, shape), trainable));
  return { name: `${layerName}.${param}`, variable, trainable };
}

/** Replaces a variable's values (the temporary tensor is released). */
export function assignValues(variable: tf.Variable, values: Float32Array): void {
  tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
}
