/** Where a command writes; tests pass their own to capture output. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Set once stdout's reader has gone away (`recurrent eval … | head`). */
let stdoutClosed = false;
let watchingStdout = false;

/**
 * Makes a reader that goes away an ordinary end of output rather than a crash: Node ignores
 * SIGPIPE, so writing to a closed pipe emits EPIPE, which kills the process when nobody listens.
 * Later output is dropped (as SIGPIPE would end a C program's output) and the command's exit code
 * stands. Commands that write as they go also stop early (interruption.ts).
 */
export function watchStdout(): void {
  if (watchingStdout) return;
  watchingStdout = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || (stdoutClosed && error.code === 'ERR_STREAM_DESTROYED')) {
      stdoutClosed = true;
      return;
    }
    throw error;
  });
}

export const processIO: CliIO = {
  stdout: (text) => {
    if (!stdoutClosed) process.stdout.write(text);
  },
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes shared by every command. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
