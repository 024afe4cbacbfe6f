// What the "try" views share: running a request against the model with busy/error/time state.
import { useRef, useState } from 'preact/hooks';
import type { PlaygroundClient, TryResult } from '../../client.js';
import type { TryInput, TryOutput } from '../../protocol.js';

export interface TryViewProps {
  client: PlaygroundClient;
  /** The run button is disabled (the page is training a new model). */
  disabled?: boolean;
}

export type OutputOf<T extends TryOutput['task']> = Extract<TryOutput, { task: T }>;
export type InputOf<T extends TryInput['task']> = Extract<TryInput, { task: T }>;

/**
 * `run(input)` sends a try request; the state holds the last output of the view's task (and the input it answers), whether
 * one is running, its error and how long the model took. An answer to an older request that
 * arrives after a newer one started is dropped.
 */
export function useTry<T extends TryOutput['task']>(client: PlaygroundClient, task: T) {
  const [output, setOutput] = useState<OutputOf<T> | undefined>();
  const [input, setInput] = useState<InputOf<T> | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [milliseconds, setMilliseconds] = useState<number | undefined>();
  const latest = useRef(0);

  const run = async (request: InputOf<T>, onToken?: (text: string) => void): Promise<void> => {
    const mine = ++latest.current;
    setBusy(true);
    setError(undefined);
    try {
      const result: TryResult = await client.tryModel(request, onToken);
      if (mine !== latest.current) return;
      if (result.output.task !== task) {
        throw new Error(`the model answered for task "${result.output.task}", not "${task}"`);
      }
      setOutput(result.output as OutputOf<T>);
      setInput(request);
      setMilliseconds(result.milliseconds);
    } catch (e) {
      if (mine === latest.current) setError(e instanceof Error ? e.message : String(e));
    } finally {
      if (mine === latest.current) setBusy(false);
    }
  };
  return { output, input, busy, error, milliseconds, run };
}

/** The error of the last request and how long the model took, under each view. */
export function TryFooter({
  error,
  milliseconds,
}: {
  error?: string | undefined;
  milliseconds?: number | undefined;
}) {
  return (
    <>
      {error && (
        <p class="rv-error" data-testid="try-error" role="alert">
          {error}
        </p>
      )}
      {milliseconds !== undefined && !error && (
        <p class="rv-muted" data-testid="try-time">
          The model answered in {Math.round(milliseconds)} ms.
        </p>
      )}
    </>
  );
}

/** Non-empty lines of a text area: one text per line. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}
