// Checkpoint files: the bytes of checkpoint-bytes.ts written atomically (temporary file, fsync,
// rename), so a crash at any moment leaves either the previous checkpoint or the new one, never a
// mix.
import { readFile } from 'node:fs/promises';
import type { TrainingState } from '../train/types.js';
import { writeFileAtomic } from './atomic-write.js';
import { CheckpointError, checkpointFromBytes, checkpointToBytes } from './checkpoint-bytes.js';

export {
  CheckpointError,
  checkpointFormat,
  checkpointFormatVersion,
} from './checkpoint-bytes.js';

/** Writes `state` to `path` atomically; the previous file there is replaced only when complete. */
export async function saveCheckpoint(
  path: string,
  state: TrainingState,
  extra?: Record<string, unknown>,
): Promise<void> {
  await writeFileAtomic(path, await checkpointToBytes(state, extra));
}

/** Reads a checkpoint; its tensors belong to the caller (disposeTrainingState frees them). */
export async function loadCheckpoint(
  path: string,
): Promise<{ state: TrainingState; extra?: Record<string, unknown> }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CheckpointError(
      code === 'ENOENT' ? `${path}: no checkpoint there` : `${path}: ${(error as Error).message}`,
    );
  }
  return checkpointFromBytes(bytes, path);
}
