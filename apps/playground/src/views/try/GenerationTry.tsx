// Generation: a prompt and the sampling controls; the continuation streams in piece by piece as
// the worker's "try-token" events arrive (drawn at most once per frame).
import { useEffect, useRef, useState } from 'preact/hooks';
import { createCoalescer } from '../coalesce.js';
import { TryFooter, type TryViewProps, useTry } from './common.js';

export function GenerationTry({ client, disabled = false }: TryViewProps) {
  const [prompt, setPrompt] = useState('');
  const [temperature, setTemperature] = useState(0.8);
  const [topK, setTopK] = useState(0);
  const [topP, setTopP] = useState(1);
  const [seed, setSeed] = useState('');
  const [maxTokens, setMaxTokens] = useState(200);
  const [streamed, setStreamed] = useState('');
  const [shownPrompt, setShownPrompt] = useState('');
  const { output, busy, error, milliseconds, run } = useTry(client, 'generation');
  const text = useRef('');
  // One coalescer for the view's life (a lazy state initialiser runs once, unlike useRef's argument).
  const [coalescer] = useState(() =>
    createCoalescer<string>(() => setStreamed(text.current), { minIntervalMs: 0 }),
  );
  useEffect(() => () => coalescer.cancel(), [coalescer]);

  const generate = async () => {
    text.current = '';
    setStreamed('');
    setShownPrompt(prompt);
    const parsedSeed = seed.trim() === '' ? undefined : Number(seed);
    await run(
      {
        task: 'generation',
        prompt,
        maxTokens,
        temperature,
        // Left out, top-k and top-p are off in the worker (not the spec's decoding settings).
        ...(topK > 0 ? { topK } : {}),
        ...(topP < 1 ? { topP } : {}),
        ...(parsedSeed !== undefined && Number.isInteger(parsedSeed) ? { seed: parsedSeed } : {}),
      },
      (piece) => {
        text.current += piece;
        coalescer.push(piece);
      },
    );
    coalescer.flushNow();
  };

  // Temperature 0 is greedy: top-k, top-p and the seed do not apply.
  const greedy = temperature <= 0;
  // The result's text is the whole continuation: it replaces the streamed pieces when it comes.
  const continuation = busy ? streamed : (output?.text ?? streamed);
  const seedValid = seed.trim() === '' || Number.isInteger(Number(seed));
  return (
    <div class="rv-try-view">
      <label class="rv-block">
        <span>Prompt</span>
        <textarea
          data-testid="try-gen-prompt"
          rows={2}
          value={prompt}
          placeholder="ROMEO:"
          onInput={(event) => setPrompt(event.currentTarget.value)}
        />
      </label>
      <div class="rv-controls">
        <label>
          <span>
            Temperature{' '}
            <output data-testid="try-gen-temperature-value">{temperature.toFixed(2)}</output>
          </span>
          <input
            type="range"
            data-testid="try-gen-temperature"
            min={0}
            max={2}
            step={0.05}
            value={temperature}
            onInput={(event) => setTemperature(Number(event.currentTarget.value))}
          />
        </label>
        <label>
          <span>Top-k (0: off)</span>
          <input
            type="number"
            data-testid="try-gen-topk"
            min={0}
            step={1}
            disabled={greedy}
            value={topK}
            onInput={(event) =>
              setTopK(Math.max(0, Math.floor(Number(event.currentTarget.value) || 0)))
            }
          />
        </label>
        <label>
          <span>
            Top-p{' '}
            <output data-testid="try-gen-topp-value">{topP < 1 ? topP.toFixed(2) : 'off'}</output>
          </span>
          <input
            type="range"
            data-testid="try-gen-topp"
            min={0.05}
            max={1}
            step={0.05}
            disabled={greedy}
            value={topP}
            onInput={(event) => setTopP(Number(event.currentTarget.value))}
          />
        </label>
        <label>
          <span>Seed (empty: the spec's, else random)</span>
          <input
            type="text"
            inputMode="numeric"
            data-testid="try-gen-seed"
            disabled={greedy}
            value={seed}
            aria-invalid={!seedValid}
            onInput={(event) => setSeed(event.currentTarget.value)}
          />
        </label>
        <label>
          <span>Max tokens</span>
          <input
            type="number"
            data-testid="try-gen-max-tokens"
            min={1}
            max={2000}
            step={1}
            value={maxTokens}
            onInput={(event) =>
              setMaxTokens(
                Math.min(2000, Math.max(1, Math.floor(Number(event.currentTarget.value) || 1))),
              )
            }
          />
        </label>
      </div>
      {!seedValid && (
        <p class="rv-error">
          The seed is a whole number, or empty for the spec's decoding seed (random without one).
        </p>
      )}
      <div class="rv-buttons">
        <button
          type="button"
          data-testid="try-gen-run"
          disabled={disabled || busy || !seedValid}
          onClick={() => void generate()}
        >
          Generate
        </button>
        <button
          type="button"
          data-testid="try-gen-stop"
          disabled={!busy}
          onClick={() => client.cancelTry()}
        >
          Stop
        </button>
      </div>
      {(busy || output || streamed) && (
        <pre class="rv-generated" data-testid="try-gen-output" aria-live="polite" data-busy={busy}>
          <span class="rv-muted">{shownPrompt}</span>
          <span data-testid="try-gen-text">{continuation}</span>
          {busy && <span class="rv-caret" aria-hidden="true" />}
        </pre>
      )}
      <TryFooter error={error} milliseconds={milliseconds} />
    </div>
  );
}
