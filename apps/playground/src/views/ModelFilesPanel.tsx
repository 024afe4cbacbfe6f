// Models move between the page and the CLI: download the trained model as the two files
// `recurrent train` writes (model.json, weights.safetensors), or open such a model: the two
// files, or the folder that holds them.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type LoadedModel, modelFilesFrom, type PlaygroundClient } from '../client.js';
import { formatBytes } from './format.js';
import { pickModelFiles } from './model-files.js';

export interface ModelFilesPanelProps {
  client: PlaygroundClient;
  /** Whether the worker holds a model to save (a run ended, or a model was opened). */
  canSave: boolean;
  /** The backend to open a model on (Experiment.backend: a name or "auto"). */
  backend: string;
  /** A model was opened; its task's try view can show it. */
  onLoaded(model: LoadedModel): void;
  /** While a run trains (opening a model would replace the one being trained). */
  disabled?: boolean;
  /** True while a model is being opened, false when that ends (the page locks Train meanwhile). */
  onOpeningChange?(opening: boolean): void;
}

interface Download {
  name: string;
  url: string;
  bytes: number;
}

export function ModelFilesPanel({
  client,
  canSave,
  backend,
  onLoaded,
  disabled = false,
  onOpeningChange,
}: ModelFilesPanelProps) {
  const [downloads, setDownloads] = useState<Download[]>([]);
  const [busy, setBusy] = useState<'saving' | 'opening' | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const folderInput = useRef<HTMLInputElement>(null);
  const links = useRef<HTMLDivElement>(null);

  // `webkitdirectory` is not in the JSX types; set it on the element.
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  // Object URLs hold the weights in memory until revoked.
  useEffect(() => () => revoke(downloads), [downloads]);

  const save = async () => {
    setBusy('saving');
    setError(undefined);
    try {
      const files = await client.save();
      const next: Download[] = [
        download('model.json', new Blob([files['model.json']], { type: 'application/json' })),
        download(
          'weights.safetensors',
          new Blob([files['weights.safetensors'] as Uint8Array<ArrayBuffer>], {
            type: 'application/octet-stream',
          }),
        ),
      ];
      setDownloads(next);
      setStatus('The model is saved as two files; `recurrent predict <folder>` reads them.');
      // Start both downloads; the links stay for a browser that blocks the second one.
      requestAnimationFrame(() => {
        for (const a of links.current?.querySelectorAll('a') ?? []) a.click();
      });
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(undefined);
    }
  };

  const open = async (list: FileList | null) => {
    const files = [...(list ?? [])];
    if (files.length === 0) return;
    setError(undefined);
    const picked = pickModelFiles(files);
    if (!picked.ok) {
      setError(picked.message);
      return;
    }
    setBusy('opening');
    onOpeningChange?.(true);
    try {
      const model = await client.load(
        await modelFilesFrom([picked.model, picked.weights]),
        backend,
      );
      const where = picked.model.webkitRelativePath || picked.model.name;
      setStatus(
        `Opened a ${model.task} model (${where}, ${formatBytes(picked.weights.size)} of weights).`,
      );
      onLoaded(model);
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(undefined);
      onOpeningChange?.(false);
    }
  };

  return (
    <section class="panel rv-model-files" data-testid="model-files" aria-label="Model files">
      <h2>Model files</h2>
      <div class="rv-buttons">
        <button
          type="button"
          data-testid="model-download"
          disabled={!canSave || busy !== undefined || disabled}
          onClick={() => void save()}
        >
          {busy === 'saving' ? 'Saving…' : 'Download model'}
        </button>
        <label class={`rv-file-button${disabled || busy ? ' rv-disabled' : ''}`}>
          Open model files…
          <input
            type="file"
            multiple
            accept=".json,.safetensors"
            data-testid="model-open-files"
            disabled={disabled || busy !== undefined}
            onChange={(event) => {
              void open(event.currentTarget.files);
              event.currentTarget.value = '';
            }}
          />
        </label>
        <label class={`rv-file-button${disabled || busy ? ' rv-disabled' : ''}`}>
          Open model folder…
          <input
            ref={folderInput}
            type="file"
            data-testid="model-open-folder"
            disabled={disabled || busy !== undefined}
            onChange={(event) => {
              void open(event.currentTarget.files);
              event.currentTarget.value = '';
            }}
          />
        </label>
      </div>
      <p class="rv-muted">
        A model is two files, model.json and weights.safetensors, as <code>recurrent train</code>{' '}
        writes them: open both, or the folder that holds them.
      </p>
      {downloads.length > 0 && (
        <div class="rv-downloads" ref={links}>
          {downloads.map((d) => (
            <a
              key={d.name}
              href={d.url}
              download={d.name}
              data-testid={d.name === 'model.json' ? 'model-link-json' : 'model-link-weights'}
            >
              {d.name} ({formatBytes(d.bytes)})
            </a>
          ))}
        </div>
      )}
      {busy === 'opening' && <p class="rv-muted">Opening the model…</p>}
      {status && !error && (
        <p class="rv-muted" data-testid="model-status" aria-live="polite">
          {status}
        </p>
      )}
      {error && (
        <p class="rv-error" data-testid="model-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function download(name: string, blob: Blob): Download {
  return { name, url: URL.createObjectURL(blob), bytes: blob.size };
}

function revoke(downloads: readonly Download[]): void {
  for (const d of downloads) URL.revokeObjectURL(d.url);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
