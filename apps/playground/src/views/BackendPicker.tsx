// The backend choice: "auto" and each backend the worker reports (core's backendStatuses() in
// the worker), an unavailable one disabled with its reason written out beside it.
import { useEffect, useState } from 'preact/hooks';
import type { BackendList, PlaygroundClient } from '../client.js';
import { dataParallelChoices } from '../state/data-parallel.js';

export interface BackendPickerProps {
  client: PlaygroundClient;
  /** The chosen backend: "auto", "webgpu", "wasm" or "cpu" (Experiment.backend). */
  value: string;
  onChange(backend: string): void;
  /** Threads training data-parallel (Experiment.dataParallel, default 1). */
  dataParallel?: number;
  onDataParallelChange?(count: number): void;
  /** While a run trains (the backend of a run cannot change under it). */
  disabled?: boolean;
}

const titles: Record<string, string> = { webgpu: 'WebGPU', wasm: 'WASM', cpu: 'CPU' };

/** "WebGPU", "WASM (threads)" on a cross-origin-isolated page, "CPU"; other names as they are. */
export function backendTitle(name: string, isolated: boolean): string {
  if (name === 'wasm') return isolated ? 'WASM (threads)' : 'WASM (single thread)';
  return titles[name] ?? name;
}

export function BackendPicker({
  client,
  value,
  onChange,
  dataParallel = 1,
  onDataParallelChange,
  disabled = false,
}: BackendPickerProps) {
  const [list, setList] = useState<BackendList | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    client.backends().then(
      (answer) => live && setList(answer),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [client]);

  const firstAvailable = list?.backends.find((b) => b.available);
  const cores = (globalThis.navigator as { hardwareConcurrency?: number } | undefined)
    ?.hardwareConcurrency;
  const parallelChoices = list ? dataParallelChoices(list.isolated, value, cores) : [];
  const chosen = list?.backends.find((b) => b.name === value);
  return (
    <section class="panel rv-backends" data-testid="backend-picker" aria-label="Backend">
      <h2>Backend</h2>
      {!list && !error && <p class="rv-muted">Asking the worker which backends run here…</p>}
      {error && (
        <p class="rv-error" data-testid="backend-error">
          {error}
        </p>
      )}
      {list && (
        <fieldset class="rv-choices" disabled={disabled}>
          <legend class="rv-hidden">Backend</legend>
          <label class="rv-choice">
            <input
              type="radio"
              name="rv-backend"
              value="auto"
              data-testid="backend-option-auto"
              checked={value === 'auto'}
              onChange={() => onChange('auto')}
            />
            <span class="rv-choice-title">Auto</span>
            <span class="rv-muted" data-testid="backend-reason-auto">
              {firstAvailable
                ? `picks ${backendTitle(firstAvailable.name, list.isolated)}`
                : 'no backend is available'}
            </span>
          </label>
          {list.backends.map((backend) => (
            <label
              key={backend.name}
              class={`rv-choice${backend.available ? '' : ' rv-unavailable'}`}
            >
              <input
                type="radio"
                name="rv-backend"
                value={backend.name}
                data-testid={`backend-option-${backend.name}`}
                disabled={!backend.available}
                checked={value === backend.name}
                onChange={() => onChange(backend.name)}
              />
              <span class="rv-choice-title">{backendTitle(backend.name, list.isolated)}</span>
              <span class="rv-muted" data-testid={`backend-reason-${backend.name}`}>
                {backend.available ? backend.detail : `unavailable: ${backend.detail}`}
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {list && (
        <p class="rv-muted" data-testid="backend-isolation">
          {list.isolated
            ? 'This page is cross-origin isolated: WASM runs with threads.'
            : 'This page is not cross-origin isolated: WASM runs on one thread.'}
        </p>
      )}
      {parallelChoices.length > 1 && (
        <label class="rv-parallel">
          Data-parallel workers{' '}
          <select
            data-testid="data-parallel-select"
            disabled={disabled}
            value={String(dataParallel)}
            onChange={(event) =>
              onDataParallelChange?.(Number((event.target as HTMLSelectElement).value))
            }
          >
            {parallelChoices.map((n) => (
              <option key={n} value={String(n)}>
                {n === 1 ? '1 (off)' : String(n)}
              </option>
            ))}
          </select>
          <span class="rv-muted">
            {' '}
            each batch split by rows over this many threads
            {value === 'wasm' ? ', one WASM thread each' : ''}
          </span>
        </label>
      )}
      {list && dataParallel > 1 && parallelChoices.length === 0 && (
        <p class="rv-error" data-testid="data-parallel-warning">
          {`The experiment trains on ${dataParallel} data-parallel workers, which run on CPU or WASM in a cross-origin-isolated page only; the run will refuse.`}
        </p>
      )}
      {list && value !== 'auto' && !chosen?.available && (
        <p class="rv-error" data-testid="backend-warning">
          {chosen
            ? `${backendTitle(value, list.isolated)} is not available here (${chosen.detail}); pick another.`
            : `The experiment asks for backend "${value}", which this worker does not know; pick another.`}
        </p>
      )}
    </section>
  );
}
