// The messages between the page (main thread) and the training worker. The worker owns the
// backend, the task and its model; the page only sends plain data and draws what comes back, so
// it stays responsive while training runs. Everything here is structured-clone safe.
import type { ModelFiles } from '@recurrent/core';

/** The task names the playground has views for. */
export type PlaygroundTask =
  | 'classification'
  | 'generation'
  | 'translation'
  | 'tagging'
  | 'forecasting';

/** A backend the worker can run, as core's backendStatuses() reports it in the worker. */
export interface BackendChoice {
  name: string;
  available: boolean;
  /** Why it is unavailable (shown in the picker), or what it runs on when available. */
  detail: string;
}

/** The data a run trains on: a bundled dataset by id, or a file the user dropped. */
export type DataChoice =
  | { kind: 'bundled'; id: string }
  | { kind: 'file'; name: string; text: string };

/** What defines a run, and what the page's URL keeps (location.hash) so a link reproduces it. */
export interface Experiment {
  /** The spec as the user wrote it (JSON text, kept verbatim). */
  specText: string;
  data: DataChoice;
  /** A backend name ("webgpu", "wasm", "cpu") or "auto". */
  backend: string;
  /** Overrides the spec's training.seed when set. */
  seed?: number;
  /**
   * Threads training data-parallel (the training worker and `dataParallel - 1` gradient
   * workers); left out: 1. Offered on cpu and wasm in a cross-origin-isolated page only.
   */
  dataParallel?: number;
}

/** Page → worker. */
export type WorkerRequest =
  | { type: 'backends' }
  | {
      type: 'train';
      id: number;
      experiment: Experiment;
      /** The dataset's text when bundled (the page fetches it), else the dropped file's. */
      dataText: string;
      /** Continue from the checkpoint kept in IndexedDB for this experiment, if any. */
      resume: boolean;
      maxTimeMs?: number;
    }
  | { type: 'stop'; id: number }
  | { type: 'load'; id: number; files: ModelFiles; backend: string }
  | { type: 'save'; id: number }
  | { type: 'try'; id: number; input: TryInput }
  | { type: 'cancel-try'; id: number };

/** What a "try the model" view asks for, per task. */
export type TryInput =
  | { task: 'classification'; texts: string[] }
  | {
      task: 'generation';
      prompt: string;
      maxTokens: number;
      temperature: number;
      /** Left out: off (the whole vocabulary), not the spec's decoding topK. */
      topK?: number;
      /** Left out: off (1), not the spec's decoding topP. */
      topP?: number;
      /** Left out: the spec's decoding seed, else a random one. */
      seed?: number;
    }
  /** beamWidth 1 is greedy search; left out, the spec's decoding strategy decides. */
  | { task: 'translation'; texts: string[]; beamWidth?: number }
  | { task: 'tagging'; sentences: string[][] }
  | { task: 'forecasting'; csvText: string; horizon?: number };

/** What a try request returns, per task (the tasks' own result objects, cloned). */
export type TryOutput =
  | {
      task: 'classification';
      predictions: { label: string; probabilities: Record<string, number> }[];
    }
  | { task: 'generation'; text: string }
  | {
      task: 'translation';
      /** Per input: output tokens, source tokens and attention [output][source]. */
      translations: {
        text: string;
        sourceTokens: string[];
        outputTokens: string[];
        attention?: number[][];
      }[];
    }
  | { task: 'tagging'; results: { tokens: string[]; tags: string[]; confidence?: number[] }[] }
  | {
      task: 'forecasting';
      /** The series' last values (the target's history), the forecast and the naive baseline. */
      history: { dates?: string[]; values: Record<string, number[]> };
      forecast: { dates?: string[]; values: Record<string, number[]> };
      naive: Record<string, number[]>;
    };

/** One point of the live curves: an epoch's record, or a batch's loss. */
export interface CurvePoint {
  epoch: number;
  /** Fractional epoch for batch points (epoch + batch / batches). */
  at: number;
  loss: number;
  validationLoss?: number;
  /** Validation metrics of the epoch (accuracy, f1, perplexity, bleu, mae, rmse ...). */
  metrics?: Record<string, number>;
}

/** Worker → page. */
export type WorkerEvent =
  | { type: 'backends'; backends: BackendChoice[]; isolated: boolean }
  | {
      type: 'started';
      id: number;
      backend: string;
      task: PlaygroundTask;
      notes: string[];
      /** Threads the run trains on (data-parallel: the training worker and gradient workers). */
      threads: number;
    }
  | {
      type: 'progress';
      id: number;
      point: CurvePoint;
      kind: 'batch' | 'epoch';
      /** Tokens (or steps) per second over the last batches. */
      tokensPerSecond: number;
      /** Seconds left at this pace until the last epoch, when known. */
      etaSeconds?: number;
      epochs: number;
    }
  | {
      type: 'trained';
      id: number;
      stoppedBy: string;
      /** The evaluation on the validation data (the task's own object), when there is one. */
      evaluation?: unknown;
      /** Whether a checkpoint for this experiment is kept in IndexedDB (resume after a reload). */
      checkpointKept: boolean;
    }
  | { type: 'loaded'; id: number; task: PlaygroundTask; spec: unknown }
  | { type: 'saved'; id: number; files: ModelFiles }
  | { type: 'try-token'; id: number; text: string }
  | { type: 'try-result'; id: number; output: TryOutput; milliseconds: number }
  | {
      type: 'error';
      id?: number;
      message: string;
      /** For spec problems: JSON pointer(s) the editor can mark. */
      pointer?: string;
      /** The failure ended a run that had replaced the model: the worker now holds no model. */
      modelDropped?: boolean;
    };
