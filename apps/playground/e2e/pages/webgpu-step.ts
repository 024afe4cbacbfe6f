// An e2e-only page (built with the app, never linked from it): the same small classification spec,
// from the same seed, trains one SGD step on "wasm" and on "webgpu" in this page; the test compares
// the losses and every weight. Plain SGD, not Adam: Adam's first step is lr·sign(gradient), which
// magnifies float32 differences of near-zero gradients; SGD's update is proportional to them.
import '@recurrent/backend-wasm';
import '@recurrent/backend-webgpu';
import { backendStatuses, createTask, readSafetensors, useBackend } from '@recurrent/core';
import '@recurrent/task-classification';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

const spec = {
  version: 1,
  name: 'e2e-one-step',
  task: 'classification',
  input: { tokenizer: { type: 'word', lowercase: true }, maxLength: 10 },
  layers: [
    { type: 'embedding', embeddingDim: 8 },
    { type: 'lstm', hiddenSize: 8 },
    { type: 'pool', mode: 'mean' },
    { type: 'dense', units: 'auto' },
  ],
  training: { epochs: 1, batchSize: 16, optimizer: { type: 'sgd', lr: 0.5 }, seed: 11 },
};

// 12 labelled sentences (from the UCI sentences), one batch: one epoch is exactly one step.
const data = {
  texts: [
    'so there is no way for me to plug it in here',
    'good case excellent value',
    'great for the jawbone',
    'tied to charger for conversations lasting more than 45 minutes',
    'the mic is great',
    'i have to jiggle the plug to get it to line up right',
    'if you are razr owner you must have this',
    'needless to say i wasted my money',
    'what a waste of money and time',
    'and the sound quality is great',
    'he was very impressed when going from the original battery',
    'very disappointing',
  ],
  labels: ['0', '1', '1', '0', '1', '0', '1', '0', '0', '1', '1', '0'],
};

export interface StepResult {
  backend: string;
  /** The batch loss at the step (before the update) and of the same batch after it. */
  lossBefore: number;
  lossAfter: number;
  weights: Record<string, number[]>;
  device: unknown;
}

async function oneStep(backend: string): Promise<StepResult> {
  await useBackend(
    backend,
    backend === 'wasm'
      ? {
          wasmPaths: {
            'tfjs-backend-wasm.wasm': plain,
            'tfjs-backend-wasm-simd.wasm': simd,
            'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd,
          },
        }
      : {},
  );
  const task = await createTask(spec as Parameters<typeof createTask>[0], { backend });
  try {
    const losses: number[] = [];
    const onProgress = (event: { type: string; loss?: number }) => {
      if (event.type === 'batch') losses.push(event.loss as number);
    };
    await task.train(data, { epochs: 1, onProgress });
    // The weights after that one step: the comparison covers the forward pass, the gradients and
    // the update.
    const file = readSafetensors((await task.save())['weights.safetensors']);
    const weights: Record<string, number[]> = {};
    for (const name of file.names()) weights[name] = [...file.float32(name)];
    // A second call's batch loss is the loss of the same 12 examples after the first step.
    await task.train(data, { epochs: 1, onProgress });
    if (losses.length !== 2) throw new Error(`expected 2 batch events, got ${losses.length}`);
    const status = (await backendStatuses()).find((s) => s.name === backend);
    return {
      backend,
      lossBefore: losses[0] as number,
      lossAfter: losses[1] as number,
      weights,
      device: status?.description?.device,
    };
  } finally {
    task.dispose();
  }
}

async function run() {
  const out = document.getElementById('result') as HTMLElement;
  try {
    const wasm = await oneStep('wasm');
    const webgpu = await oneStep('webgpu');
    (window as unknown as { stepResult: unknown }).stepResult = { wasm, webgpu };
    out.textContent = 'done';
  } catch (error) {
    (window as unknown as { stepResult: unknown }).stepResult = {
      error: String((error as Error)?.stack ?? error),
    };
    out.textContent = `failed: ${error}`;
  }
}

void run();
