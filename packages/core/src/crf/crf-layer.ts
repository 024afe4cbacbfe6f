// The linear-chain CRF on top of a tagging head: it holds the start, end and transition scores
// (pytorch-crf's names and layout) and passes the head's emission scores [B, T, K] through
// unchanged; crfLoss trains it and viterbiDecode reads its best paths.
import type * as tf from '@tensorflow/tfjs-core';
import { uniformValues } from '../init/initializers.js';
import type { Random } from '../init/random.js';
import type { FlowKind, ForwardContext, Layer, Parameter } from '../layers/layer.js';
import { createParameter } from '../layers/params.js';
import type { Model } from '../model/model.js';

export class CrfLayer implements Layer {
  readonly type = 'crf';
  readonly inputKind: FlowKind = 'sequence';
  readonly outputKind: FlowKind = 'sequence';
  /** Score of each tag starting a sentence [K]. */
  readonly startTransitions: Parameter;
  /** Score of each tag ending a sentence [K]. */
  readonly endTransitions: Parameter;
  /** Score of tag j following tag i, at [i, j] [K, K]. */
  readonly transitions: Parameter;
  readonly parameters: readonly Parameter[];
  readonly outputSize: number;

  constructor(
    /** Number of tags (the head's units). */
    readonly numTags: number,
    random: Random,
    readonly name = 'crf',
  ) {
    if (!(Number.isInteger(numTags) && numTags >= 1)) {
      throw new Error(
        `layer "${name}" (crf): the number of tags must be a positive integer, got ${numTags}`,
      );
    }
    this.outputSize = numTags;
    // pytorch-crf's reset_parameters: nn.init.uniform_(-0.1, 0.1) on each, in this order.
    const init = (param: string, shape: number[]) =>
      createParameter(name, param, shape, 'pytorch-default', random, () =>
        uniformValues(shape, 0.1, random),
      );
    this.startTransitions = init('start_transitions', [numTags]);
    this.endTransitions = init('end_transitions', [numTags]);
    this.transitions = init('transitions', [numTags, numTags]);
    this.parameters = [this.startTransitions, this.endTransitions, this.transitions];
  }

  /** The emission scores, unchanged: the CRF acts in the loss and in decoding. */
  forward(input: tf.Tensor, _context: ForwardContext): tf.Tensor {
    if (input.rank !== 3 || input.shape[2] !== this.numTags) {
      throw new Error(
        `layer "${this.name}" (crf) expects emission scores [B, T, ${this.numTags}], got [${input.shape.join(', ')}]`,
      );
    }
    return input;
  }
}

/** The model's CRF layer (tagging with output "crf"), if it has one. */
export function crfLayerOf(model: Model): CrfLayer | undefined {
  return model.layers.find((layer): layer is CrfLayer => layer instanceof CrfLayer);
}
