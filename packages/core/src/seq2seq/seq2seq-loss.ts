// The training loss of an encoder-decoder model, as fit takes it: the mean cross-entropy of the
// logits of every target step against the labels (batch.targets, int32 [B, T]: the reference
// shifted left, y1 … yn eos), over the real tokens of the batch only (masked by targetLengths),
// with the spec's training.labelSmoothing. It equals PyTorch's
// cross_entropy(logits, labels, ignore_index=pad, label_smoothing=ε) when padded labels are pad.
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../init/random.js';
import { checkInputs, lengthsInput } from '../model/inputs.js';
import type { Model } from '../model/model.js';
import { crossEntropy } from '../train/losses.js';
import type { Batch } from '../train/types.js';
import { Seq2seqModel } from './seq2seq-model.js';

/** A LossFunction for fit: dropout on (masks from `random`) while training, off without it. */
export function seq2seqLoss(model: Model, batch: Batch, random: Random | undefined): tf.Scalar {
  if (!(model instanceof Seq2seqModel)) {
    throw new Error(
      `seq2seqLoss: model "${model.spec.name}" (task ${model.spec.task}) is not an encoder-decoder model`,
    );
  }
  return tf.tidy(() => {
    const { output } = model.forward(batch.inputs, random ? { training: true, random } : {});
    const [B, T, V] = output.shape as [number, number, number];
    const labels = batch.targets;
    if (labels.dtype !== 'int32' || labels.shape.join() !== [B, T].join()) {
      throw new Error(
        `seq2seqLoss: the targets must be int32 [${B}, ${T}] label ids (one per target step), got ${labels.dtype} [${labels.shape.join(', ')}]`,
      );
    }
    const lengths = checkInputs(model.spec.name, [lengthsInput('targetLengths', 'target')], {
      targetLengths: batch.inputs.targetLengths,
    }).lengths.get('targetLengths');
    const mask = lengths ? realSteps(lengths, T) : undefined;
    return crossEntropy(tf.reshape(output, [B * T, V]), tf.reshape(labels, [B * T]), {
      labelSmoothing: model.spec.training.labelSmoothing,
      ...(mask ? { mask } : {}),
    }) as tf.Scalar;
  });
}

/** [B · T] of 1 at each row's first `length` steps, 0 after. */
function realSteps(lengths: Int32Array, T: number): tf.Tensor1D {
  const data = new Float32Array(lengths.length * T);
  lengths.forEach((length, b) => {
    data.fill(1, b * T, b * T + Math.min(length, T));
  });
  return tf.tensor1d(data);
}
