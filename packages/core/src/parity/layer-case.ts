// kind "layer": one nn.RNN / nn.LSTM / nn.GRU (batch_first) with optional lengths and initial
// state. Loss = sum(output * r_output) + sum(h_n * r_h_n) [+ sum(c_n * r_c_n)].

import * as tf from '@tensorflow/tfjs-core';
import {
  Adam,
  clipGradNorm,
  compile,
  loadTorchWeights,
  type Model,
  type Parameter,
  parameterGradients,
} from '../index.js';
import { Checker } from './checker.js';
import { floatTensor, intTensor, type ParityCase } from './fixture.js';

interface LayerCaseDescription {
  module: 'RNN' | 'LSTM' | 'GRU';
  config: {
    input_size: number;
    hidden_size: number;
    num_layers: number;
    bidirectional: boolean;
    bias: boolean;
    nonlinearity?: 'tanh' | 'relu';
    batch_first?: boolean;
  };
  train?: {
    steps: number;
    optimizer: string;
    lr: number;
    betas: [number, number];
    eps: number;
    clip_grad_norm?: number;
  };
  tolerance: { forward_atol: number; grad_atol: number; grad_rtol: number; step_atol?: number };
}

const layerName = 'rnn';

/** The Recurrent spec equivalent to the PyTorch module of the case. */
export function layerCaseSpec(name: string, c: LayerCaseDescription): Record<string, unknown> {
  const { config } = c;
  if (config.batch_first === false) throw new Error('only batch_first=True cases are supported');
  const optimizer = c.train
    ? { type: 'adam', lr: c.train.lr, betas: c.train.betas, eps: c.train.eps }
    : { type: 'adam' };
  return {
    version: 1,
    name: name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]/, 'x'),
    task: 'feature-extraction',
    input: { features: config.input_size },
    layers: [
      {
        type: c.module.toLowerCase(),
        name: layerName,
        hiddenSize: config.hidden_size,
        numLayers: config.num_layers,
        bidirectional: config.bidirectional,
        bias: config.bias,
        ...(c.module === 'RNN' ? { nonlinearity: config.nonlinearity ?? 'tanh' } : {}),
      },
    ],
    training: {
      optimizer,
      ...(c.train?.clip_grad_norm ? { clipNorm: c.train.clip_grad_norm } : {}),
    },
  };
}

export async function runLayerCase(fixture: ParityCase, backend: string): Promise<Checker> {
  const c = fixture.description as unknown as LayerCaseDescription;
  const t = fixture.tensors;
  const model = await compile(layerCaseSpec(fixture.name, c), { backend });
  const importWeights = () =>
    loadTorchWeights(model, fixture.weightsBytes, {
      map: (torchName) => `${layerName}.${torchName}`,
      source: fixture.weightsPath,
    });
  importWeights();
  const inputs = new Set(
    ['x', 'h0', 'c0', 'lengths', 'r_output', 'r_h_n', 'r_c_n'].filter((n) => t.entries.has(n)),
  );
  const checker = new Checker(t, inputs);
  const forwardTol = { atol: c.tolerance.forward_atol, rtol: 0 };
  const gradTol = { atol: c.tolerance.grad_atol, rtol: c.tolerance.grad_rtol };

  const x = tf.tidy(() => tf.variable(floatTensor(t, 'x')));
  const fixed = tf.tidy(() => ({
    h0: t.entries.has('h0') ? floatTensor(t, 'h0') : undefined,
    c0: t.entries.has('c0') ? floatTensor(t, 'c0') : undefined,
    lengths: t.entries.has('lengths') ? intTensor(t, 'lengths') : undefined,
    rOutput: floatTensor(t, 'r_output'),
    rH: floatTensor(t, 'r_h_n'),
    rC: t.entries.has('r_c_n') ? floatTensor(t, 'r_c_n') : undefined,
  }));
  const lengths = fixed.lengths ? Int32Array.from(await fixed.lengths.data()) : undefined;

  const run =
    (record?: (out: tf.Tensor, h: tf.Tensor, c: tf.Tensor | undefined, loss: tf.Scalar) => void) =>
    (): tf.Scalar => {
      const initialState = fixed.h0
        ? { [layerName]: fixed.c0 ? { h: fixed.h0, c: fixed.c0 } : { h: fixed.h0 } }
        : undefined;
      const { output, states } = model.forward(
        { features: x, lengths },
        initialState ? { initialState } : {},
      );
      const state = states[layerName];
      if (!state) throw new Error('the model returned no final state');
      let loss = tf.add(tf.sum(tf.mul(output, fixed.rOutput)), tf.sum(tf.mul(state.h, fixed.rH)));
      if (state.c && fixed.rC) loss = tf.add(loss, tf.sum(tf.mul(state.c, fixed.rC)));
      record?.(output, state.h, state.c, loss as tf.Scalar);
      return loss as tf.Scalar;
    };

  try {
    // Forward values, the loss, and gradients of the loss for the input and every parameter.
    tf.tidy(() => {
      const parameters = model.parameters();
      const { value, grads } = tf.variableGrads(
        run((output, h, cState, loss) => {
          checker.check('output', output, forwardTol);
          checker.check('h_n', h, forwardTol);
          if (cState) checker.check('c_n', cState, forwardTol);
          checker.check('loss', tf.reshape(loss, [1]), forwardTol);
        }),
        [x, ...parameters.map((p) => p.variable)],
      );
      checker.check('grad.x', grads[x.name] as tf.Tensor, gradTol);
      for (const parameter of parameters) {
        checker.check(
          `grad.${torchName(parameter)}`,
          grads[parameter.variable.name] as tf.Tensor,
          gradTol,
        );
      }
      tf.dispose([value, ...Object.values(grads)]);
    });
    if (c.train && checker.has(`step.${torchName(model.parameters()[0] as Parameter)}`)) {
      trainSteps(model, c.train, run());
      for (const parameter of model.parameters()) {
        checker.check(`step.${torchName(parameter)}`, parameter.variable, {
          atol: c.tolerance.step_atol ?? c.tolerance.forward_atol,
          rtol: 0,
        });
      }
    }
  } finally {
    tf.dispose([x, ...Object.values(fixed).filter((v): v is tf.Tensor => v !== undefined)]);
    model.dispose();
  }
  return checker;
}

function torchName(parameter: Parameter): string {
  return parameter.name.slice(layerName.length + 1);
}

/** zero grads, forward, backward, clip_grad_norm_(all parameters), Adam step; `steps` times. */
export function trainSteps(
  model: Model,
  train: NonNullable<LayerCaseDescription['train']>,
  loss: () => tf.Scalar,
): void {
  if (train.optimizer !== 'adam')
    throw new Error(
      `training steps with optimizer "${train.optimizer}" are not supported by this runner`,
    );
  const adam = new Adam({ lr: train.lr, betas: train.betas, eps: train.eps });
  try {
    for (let step = 0; step < train.steps; step++) {
      const { value, grads } = parameterGradients(model.parameters(), loss);
      value.dispose();
      let clipped = grads;
      if (train.clip_grad_norm) {
        const result = clipGradNorm(grads, train.clip_grad_norm);
        clipped = result.grads;
        result.totalNorm.dispose();
      }
      adam.step(clipped);
      tf.dispose([...clipped.values()]);
    }
  } finally {
    adam.dispose();
  }
}
