// What a command that writes as it goes (generate, translate) does when it is interrupted: Ctrl-C
// aborts its signal (a second one quits at once), and a reader that goes away (`| head`) aborts it
// too, instead of an EPIPE crash, with nothing more written to stdout.
import { createInterface } from 'node:readline';
import type { CliIO } from './io.js';

export interface Interruption {
  readonly signal: AbortSignal;
  /** Whether stdout's reader has gone away (nothing more should be written). */
  readonly closed: boolean;
  /** Writes each line to stdout, unless its reader has gone away. */
  printLines(lines: readonly string[]): void;
  /** Stops listening (the errors of writes already made come on the next ticks: waits for them). */
  dispose(): void;
}

export function listenForInterruption(io: CliIO): Interruption {
  const interrupt = new AbortController();
  let closed = false;
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  };
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (!closed && error.code !== 'EPIPE') io.stderr(`recurrent: stdout: ${error.message}\n`);
    closed = true;
    interrupt.abort();
  };
  process.on('SIGINT', onSigint);
  process.stdout.on('error', onStdoutError);
  return {
    signal: interrupt.signal,
    get closed() {
      return closed;
    },
    printLines(lines) {
      if (!closed) io.stdout(lines.map((line) => `${line}\n`).join(''));
    },
    dispose() {
      process.off('SIGINT', onSigint);
      setImmediate(() => process.stdout.off('error', onStdoutError));
    },
  };
}

/** The texts given as arguments, else the lines of stdin as they arrive (without line breaks). */
export function argumentsOrStdinLines(
  texts: readonly string[],
): Iterable<string> | AsyncIterable<string> {
  return texts.length > 0
    ? texts
    : createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
}
