// How much arithmetic one time step of a spec's recurrent layers does over a whole batch: the
// measure `--threads auto` splits batches by (threads.ts). Data-parallel threads pay per batch
// and per time step costs that do not halve with the rows (the exchanges, each product's fixed
// cost, XNNPACK packing the weights on every thread), so a batch too small to fill a product is
// trained faster on one thread. Estimated from the spec alone, so the choice is the same on every
// run of it (results depend on the thread count through dropout masks and summation order).

import { taskName } from '../tasks/registry.js';

/** The parts of a spec the estimate reads (a validated ModelSpec has them all). */
export interface StepWorkSpec {
  layers?: ReadonlyArray<{
    type: string;
    hiddenSize?: number;
    numLayers?: number;
    bidirectional?: boolean;
    embeddingDim?: number;
    characters?: { hiddenSize?: number; bidirectional?: boolean } | undefined;
    units?: number | string;
  }>;
  training?: { batchSize?: number | undefined };
  task?: string;
  input?: { maxLength?: number | undefined };
}

/**
 * Tokens per training chunk of a generation spec without input.maxLength: task-generation's
 * defaultMaxLength (its tests check that they agree).
 */
export const defaultGenerationChunk = 64;

/** Gate blocks per cell: the rows of W_ih and W_hh are gates × hiddenSize. */
const gates: Record<string, number> = { lstm: 4, gru: 3, rnn: 1 };

/** The schema's default batch size (training.batchSize). */
export const defaultBatchSize = 32;

/**
 * FLOPs of one time step's recurrent products (input and hidden, every layer and direction) over
 * the batch's rows, forward only; undefined for a spec without recurrent layers in `layers`
 * (seq2seq specs, whose encoder and decoder this does not read). A first recurrent layer fed by
 * the data's features (no embedding before it) counts one feature: its hidden products dominate.
 */
export function recurrentStepWork(spec: StepWorkSpec | undefined): number | undefined {
  const layers = spec?.layers ?? [];
  let width = 1; // features of what the next layer reads
  let perRow = 0;
  let recurrent = false;
  for (const layer of layers) {
    if (layer.type === 'embedding') {
      const characters = layer.characters;
      const characterWidth = characters
        ? (characters.hiddenSize ?? 0) * (characters.bidirectional === false ? 1 : 2)
        : 0;
      width = (layer.embeddingDim ?? width) + characterWidth;
    } else if (layer.type in gates && layer.hiddenSize !== undefined) {
      recurrent = true;
      const H = layer.hiddenSize;
      const directions = layer.bidirectional ? 2 : 1;
      const G = (gates[layer.type] as number) * H;
      for (let l = 0; l < (layer.numLayers ?? 1); l++) {
        perRow += directions * 2 * G * (width + H);
        width = directions * H;
      }
    } else if (layer.type === 'dense' && typeof layer.units === 'number') {
      width = layer.units;
    }
  }
  if (!recurrent) return undefined;
  return perRow * (spec?.training?.batchSize ?? defaultBatchSize);
}

/**
 * The length of every training row of a generation spec: its text is cut into chunks of
 * input.maxLength tokens, never padded (undefined for other tasks, whose padded rows are only
 * capped by maxLength).
 */
export function generationChunkLength(spec: StepWorkSpec | undefined): number | undefined {
  if (spec?.task === undefined || taskName(spec.task) !== 'generation') return undefined;
  return spec.input?.maxLength ?? defaultGenerationChunk;
}
