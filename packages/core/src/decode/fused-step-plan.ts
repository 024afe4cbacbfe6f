// Which models the fused decoding step (layers/recurrent/decode-step.ts) runs, and their weights in
// its order: an embedding, then unidirectional recurrent layers, then one dense layer without
// activation, with dropout layers anywhere between (the identity at inference). Any other model
// decodes through model.forward, one token at a time.
import { DenseLayer } from '../layers/dense.js';
import { DropoutLayer } from '../layers/dropout.js';
import { EmbeddingLayer } from '../layers/embedding.js';
import type { Parameter } from '../layers/layer.js';
import type { DecodeStepWeights } from '../layers/recurrent/decode-step.js';
import { RecurrentLayer } from '../layers/recurrent/recurrent-layer.js';
import type { Model } from '../model/model.js';

export type FusedStepPlan =
  | {
      ok: true;
      weights: DecodeStepWeights;
      /** The recurrent layers' names, in the kernel's block order. */
      recurrentLayers: string[];
    }
  | { ok: false; reason: string };

const refuse = (reason: string): FusedStepPlan => ({ ok: false, reason });

function parameter(layer: RecurrentLayer, name: string): Parameter {
  const found = layer.parameters.find((p) => p.name === `${layer.name}.${name}`);
  if (!found) throw new Error(`layer "${layer.name}" has no parameter "${name}"`);
  return found;
}

function recurrentWeights(layer: RecurrentLayer) {
  return Array.from({ length: layer.numLayers }, (_, l) => {
    const variable = (name: string) => parameter(layer, `${name}_l${l}`).variable;
    return {
      wih: variable('weight_ih'),
      whh: variable('weight_hh'),
      bih: layer.spec.bias ? variable('bias_ih') : undefined,
      bhh: layer.spec.bias ? variable('bias_hh') : undefined,
    };
  });
}

/** The fused step's weights for `model`, or why it cannot run the model. */
export function fusedStepPlan(model: Model): FusedStepPlan {
  const [first, ...rest] = model.layers;
  if (!(first instanceof EmbeddingLayer)) return refuse('its first layer is not an embedding');
  if (first.characters)
    return refuse('its embedding reads characters (the fused step reads token ids only)');
  const last = rest.at(-1);
  if (!(last instanceof DenseLayer)) return refuse('its last layer is not a dense layer');
  // Specs require a linear head for every task; a model assembled by hand may not have one.
  if (last.spec.activation !== 'linear') {
    return refuse(
      `its output layer "${last.name}" has activation "${last.spec.activation}" (the fused step ends with a linear layer)`,
    );
  }
  const blocks: DecodeStepWeights['blocks'][number][] = [];
  const recurrentLayers: string[] = [];
  for (const layer of rest.slice(0, -1)) {
    if (layer instanceof DropoutLayer) continue; // the identity at inference
    if (!(layer instanceof RecurrentLayer)) {
      return refuse(`layer "${layer.name}" (${layer.type}) has no place in the fused step`);
    }
    if (layer.directions !== 1) return refuse(`layer "${layer.name}" is bidirectional`);
    blocks.push({
      cell: layer.cell.fusedName,
      numLayers: layer.numLayers,
      bias: layer.spec.bias,
      layers: recurrentWeights(layer),
    });
    recurrentLayers.push(layer.name);
  }
  if (blocks.length === 0) return refuse('it has no recurrent layer');
  return {
    ok: true,
    weights: {
      embedding: first.weight.variable,
      blocks,
      outWeight: last.weight.variable,
      outBias: last.bias?.variable,
    },
    recurrentLayers,
  };
}
