// @recurrent/task-generation/node: the generation plug-in with what Node and the CLI need beside
// it: reading the training and evaluation texts from files (strict UTF-8, errors naming the file),
// a fingerprint of the text for checkpoint identity, and the lines `recurrent eval` prints.
// Everything in the main entry is re-exported.
import { createHash } from 'node:crypto';
import { registerTask, type TaskNodeSupport } from '@recurrent/core';
import { createTokenizer, DataError } from '@recurrent/data';
import { readTextFile } from '@recurrent/data/node';
import { generationSettings } from './generation-spec.js';
import type { GenerationTask, GenerationTexts } from './generation-task.js';
import { generationPlugin } from './index.js';
import { splitStreams, TrainingTextError } from './streams.js';
import { streamTokens } from './token-stream.js';

export * from './index.js';

// Kept as this entry's export (it was defined here before @recurrent/data/node owned it).
export { readTextFile };

export const generationNodeSupport: TaskNodeSupport<GenerationTask> = {
  /**
   * The text of `path`, checked against the spec's streams before training starts (so a text too
   * short says which file), with a note on how it is split.
   */
  async readTrainingData(path, _options, spec) {
    const text = await readTextFile(path);
    const settings = generationSettings(spec);
    const tokens = streamTokens(createTokenizer(settings.tokenizer), text).length;
    let layout: ReturnType<typeof splitStreams>;
    try {
      layout = splitStreams(tokens, settings.maxLength, spec.training.batchSize, true, 'the text');
    } catch (error) {
      if (error instanceof TrainingTextError) throw new DataError(path, undefined, error.message);
      throw error;
    }
    return {
      train: text,
      notes: [
        `${path}: ${tokens} tokens (${settings.tokenizer.type} tokenizer); ${layout.streams} streams of ${layout.streamLength} train in ${layout.batches} chunks of up to ${settings.maxLength} an epoch, the last ${tokens - layout.heldOutStart} tokens validate`,
      ],
    };
  },
  readEvaluationData: (path) => readTextFile(path),
  // A digest, not the JSON of a text that may run to megabytes. The lengths first, so that texts
  // cut elsewhere (["ab", "c"], ["a", "bc"]) differ.
  fingerprint: ({ train, validation }) => {
    const list = (texts: GenerationTexts | undefined) =>
      texts === undefined ? [] : typeof texts === 'string' ? [texts] : texts;
    const [trainTexts, validationTexts] = [list(train), list(validation)];
    const lengths = (texts: readonly string[]) =>
      texts.length === 1 ? (texts[0] as string).length : texts.map((t) => t.length);
    const hash = createHash('sha256').update(
      JSON.stringify([
        lengths(trainTexts),
        validation === undefined ? null : lengths(validationTexts),
      ]),
    );
    for (const text of [...trainTexts, ...validationTexts]) hash.update(text);
    return hash.digest('hex');
  },
  describeEvaluation: (e) => [
    `loss ${e.loss.toFixed(4)} nats per token (${e.bitsPerToken.toFixed(4)} bits), perplexity ${e.perplexity.toFixed(3)}`,
    `${e.tokens} tokens scored${e.unknown > 0 ? `; ${e.unknown} unknown to the vocabulary (scored as <unk>)` : ''}`,
  ],
  describeMetrics: (record) =>
    record.metrics?.perplexity !== undefined
      ? `, validation perplexity ${record.metrics.perplexity.toFixed(3)}`
      : '',
};

registerTask({ ...generationPlugin, node: generationNodeSupport });
