// A tiny trained generation task for tests of files, the registry and the node entry.
import { GenerationTask } from '../src/generation-task.js';

export const tinySpec = {
  version: 1,
  name: 'tiny-char',
  task: 'generation',
  input: { tokenizer: { type: 'char', lowercase: true }, maxLength: 8 },
  layers: [
    { type: 'embedding', embeddingDim: 4 },
    { type: 'gru', hiddenSize: 6 },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 1, batchSize: 2, optimizer: { type: 'adam' }, seed: 4 },
} as const;

export const tinyText = 'To be, or not to be, that is the question:\n'.repeat(4);

export async function tinyTask(): Promise<GenerationTask> {
  const task = GenerationTask.create(tinySpec);
  await task.train(tinyText);
  return task;
}
