// The encoder: an embedding, then recurrent and dropout layers in any order, run over the whole
// source at once (the recurrent layers' fused time loops, packed-sequence semantics from the
// lengths). Its memory is the last layer's output (zeros past each row's length), and the bridge
// reads the final states of its last recurrent layer.
import type * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../init/random.js';
import type { EmbeddingLayer } from '../layers/embedding.js';
import type { ForwardContext, Layer, RecurrentState } from '../layers/layer.js';
import type { RecurrentLayer } from '../layers/recurrent/recurrent-layer.js';

export interface EncoderRun {
  /** [B, S, memorySize] */
  memory: tf.Tensor3D;
  /** Final state of the last recurrent layer [numLayers · directions, B, H]. */
  final: RecurrentState;
}

export class Encoder {
  constructor(
    readonly embedding: EmbeddingLayer,
    /** The layers after the embedding: recurrent and dropout layers. */
    readonly body: readonly Layer[],
    /** The last recurrent layer of `body`, whose final state the bridge reads. */
    readonly lastRecurrent: RecurrentLayer,
  ) {}

  get layers(): Layer[] {
    return [this.embedding, ...this.body];
  }

  /** Size of each memory vector (the last layer's output). */
  get memorySize(): number {
    return (this.body[this.body.length - 1] as Layer).outputSize;
  }

  /** Runs the encoder on source ids [B, S] with the rows' lengths (undefined: no padding). */
  run(
    source: tf.Tensor2D,
    lengths: Int32Array | undefined,
    options: { training: boolean; random: Random },
  ): EncoderRun {
    const context: ForwardContext = {
      training: options.training,
      lengths,
      random: options.random,
      initialStates: new Map(),
      finalStates: new Map(),
    };
    let x: tf.Tensor = source;
    for (const layer of this.layers) x = layer.forward(x, context);
    const final = context.finalStates.get(this.lastRecurrent.name) as RecurrentState;
    return { memory: x as tf.Tensor3D, final };
  }
}
