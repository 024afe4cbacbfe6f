// The data a run trains on: one of the bundled datasets of the spec's task, or the user's own
// file (dropped on the panel or chosen with the file input). Shows its name, size and licence.
import { useEffect, useState } from 'preact/hooks';
import type { BundledDataset } from '../client.js';
import type { DataChoice, PlaygroundTask } from '../protocol.js';
import { datasetIndex, dataText, utf8Bytes } from './data.js';
import { formatBytes } from './format.js';

export interface DataPanelProps {
  /** The spec's task; the bundled list shows its datasets (all of them while it is unknown). */
  task: PlaygroundTask | undefined;
  /** The current choice (Experiment.data). */
  value: DataChoice;
  /**
   * A new choice. Also called on its own when `value` is a bundled dataset of another task and
   * the spec's task has one: the panel switches to that task's first dataset.
   */
  onChange(data: DataChoice): void;
  disabled?: boolean;
}

/** Dropped files above this are refused: the worker parses the whole text in memory. */
const maxFileBytes = 50e6;

export function DataPanel({ task, value, onChange, disabled = false }: DataPanelProps) {
  const [datasets, setDatasets] = useState<BundledDataset[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [size, setSize] = useState<number | undefined>();
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    datasetIndex().then(setDatasets, (e: unknown) => setError(message(e)));
  }, []);

  const forTask = datasets?.filter((d) => task === undefined || d.task === task) ?? [];
  const selected = value.kind === 'bundled' ? datasets?.find((d) => d.id === value.id) : undefined;

  // A spec of another task than the chosen dataset's: follow the spec.
  useEffect(() => {
    if (!datasets || task === undefined || value.kind !== 'bundled') return;
    const current = datasets.find((d) => d.id === value.id);
    const first = forTask[0];
    if (current?.task !== task && first) onChange({ kind: 'bundled', id: first.id });
  }, [datasets, task, value]);

  // The size of what is chosen (fetching a bundled text here also warms it for the run).
  const key = value.kind === 'bundled' ? `bundled:${value.id}` : `file:${value.name}`;
  useEffect(() => {
    let live = true;
    setSize(undefined);
    setError(undefined);
    // A bundled id is checked against the index first (the effect above may replace it).
    if (value.kind === 'bundled' && !selected) {
      if (datasets) setError(`"${value.id}" is not one of the bundled datasets: pick one.`);
      return;
    }
    dataText(value).then(
      (text) => live && setSize(utf8Bytes(text)),
      (e: unknown) => live && setError(message(e)),
    );
    return () => {
      live = false;
    };
  }, [key, datasets]);

  const openFile = async (file: File | undefined) => {
    if (!file) return;
    setError(undefined);
    if (file.size > maxFileBytes) {
      setError(
        `${file.name} is ${formatBytes(file.size)}; the playground takes files up to ${formatBytes(maxFileBytes)}.`,
      );
      return;
    }
    try {
      onChange({ kind: 'file', name: file.name, text: await file.text() });
    } catch (e) {
      setError(`${file.name}: ${message(e)}`);
    }
  };

  return (
    <section class="panel rv-data" data-testid="data-panel" aria-label="Data">
      <h2>Data</h2>
      {!datasets && !error && <p class="rv-muted">Loading the bundled datasets…</p>}
      {datasets && (
        <label class="rv-row">
          <span>Bundled</span>
          <select
            data-testid="data-select"
            disabled={disabled}
            value={value.kind === 'bundled' ? value.id : ''}
            onChange={(event) => {
              const id = event.currentTarget.value;
              if (id) onChange({ kind: 'bundled', id });
            }}
          >
            {value.kind === 'file' && <option value="">{value.name} (your file)</option>}
            {value.kind === 'bundled' && !selected && (
              <option value={value.id}>{value.id} (not bundled)</option>
            )}
            {forTask.map((d) => (
              <option key={d.id} value={d.id} data-testid={`data-option-${d.id}`}>
                {d.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <section
        class={`rv-drop${dragging ? ' rv-dragging' : ''}`}
        data-testid="data-drop"
        aria-label="Drop a data file here"
        onDragOver={(event) => {
          event.preventDefault();
          if (!disabled) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          if (!disabled) void openFile(event.dataTransfer?.files[0]);
        }}
      >
        <span>Drop your own file here, or</span>{' '}
        <label class="rv-file-button">
          choose a file
          <input
            type="file"
            data-testid="data-file-input"
            disabled={disabled}
            accept=".txt,.tsv,.csv,.conllu,.conll,.json,text/*"
            onChange={(event) => {
              void openFile(event.currentTarget.files?.[0]);
              event.currentTarget.value = '';
            }}
          />
        </label>
        <span class="rv-muted"> {formatHint(task)}</span>
      </section>
      <dl class="rv-facts">
        <dt>Name</dt>
        <dd data-testid="data-name">
          {value.kind === 'file' ? value.name : (selected?.title ?? value.id)}
        </dd>
        <dt>Size</dt>
        <dd data-testid="data-size">{formatBytes(size)}</dd>
        <dt>Licence</dt>
        <dd data-testid="data-licence">
          {value.kind === 'file'
            ? 'your own file (stays in this browser)'
            : (selected?.licence ?? '—')}
        </dd>
        {selected?.description && (
          <>
            <dt>Holds</dt>
            <dd data-testid="data-description">{selected.description}</dd>
          </>
        )}
      </dl>
      {error && (
        <p class="rv-error" data-testid="data-error">
          {error}
        </p>
      )}
    </section>
  );
}

/** What file a task reads, as its CLI does. */
function formatHint(task: PlaygroundTask | undefined): string {
  switch (task) {
    case 'classification':
      return '(text<TAB>label per line)';
    case 'generation':
      return '(plain text)';
    case 'translation':
      return '(source<TAB>target per line)';
    case 'tagging':
      return '(CoNLL-U)';
    case 'forecasting':
      return '(CSV with a header; a date column is optional)';
    default:
      return '';
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
