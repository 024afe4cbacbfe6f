// A run's checkpoint file (Node): where fit's checkpoints go, stamped with the run's identity, and
// `resume` loading it back only for the same run. Used by the CLI for every task, and by scripts.
import { stat } from 'node:fs/promises';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../io/checkpoint-file.js';
import type { CheckpointSink } from '../tasks/contract.js';
import { disposeTrainingState } from './run.js';
import { identityDifferences, type RunIdentity } from './run-identity.js';
import type { TrainingState } from './types.js';

/** A checkpoint that belongs to another run than the one resuming it. */
export class CheckpointMismatchError extends CheckpointError {
  override name = 'CheckpointMismatchError';
}

export interface RunCheckpoint extends CheckpointSink {
  readonly path: string;
  /** The state to continue from: set when resuming and a checkpoint of this run exists. */
  readonly resume?: TrainingState;
  /** Frees the resumed state's tensors (after training). */
  dispose(): void;
}

export interface OpenCheckpointOptions {
  /** Continue from the checkpoint at `path` if there is one (else start from the beginning). */
  resume?: boolean;
  /** Also save every this many optimizer steps (default: the spec's training.checkpoint). */
  everySteps?: number;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * The checkpoint of the run `identity` at `path`. With `resume`, an existing checkpoint is loaded
 * if it was written by the same run (spec, data, threads, backend, package versions), and refused
 * with a CheckpointMismatchError naming each difference otherwise.
 */
export async function openCheckpoint(
  path: string,
  identity: RunIdentity,
  options: OpenCheckpointOptions = {},
): Promise<RunCheckpoint> {
  let resume: TrainingState | undefined;
  if (options.resume && (await exists(path))) {
    const loaded = await loadCheckpoint(path);
    const saved = loaded.extra?.identity as Partial<RunIdentity> | undefined;
    const differences = saved
      ? identityDifferences(saved, identity)
      : ['an older Recurrent (no run identity)'];
    if (differences.length > 0) {
      disposeTrainingState(loaded.state);
      throw new CheckpointMismatchError(
        `${path}: this checkpoint was written by another run: ${differences.join('; ')}. Resume with the same settings, or train without --resume to start over`,
      );
    }
    resume = loaded.state;
  }
  return {
    path,
    ...(resume ? { resume } : {}),
    ...(options.everySteps !== undefined ? { everySteps: options.everySteps } : {}),
    save: (state) => saveCheckpoint(path, state, { identity }),
    dispose: () => {
      if (resume) disposeTrainingState(resume);
    },
  };
}
