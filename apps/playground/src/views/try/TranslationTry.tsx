// Translation: text (one sentence per line) → translation, with the attention heatmap of each.
import { useState } from 'preact/hooks';
import { lines, TryFooter, type TryViewProps, useTry } from './common.js';
import { Heatmap } from './Heatmap.js';

export function TranslationTry({ client, disabled = false }: TryViewProps) {
  const [text, setText] = useState('');
  const [beamWidth, setBeamWidth] = useState(1);
  const { output, input, busy, error, milliseconds, run } = useTry(client, 'translation');
  const texts = lines(text);
  return (
    <div class="rv-try-view">
      <label class="rv-block">
        <span>Text to translate (one sentence per line)</span>
        <textarea
          data-testid="try-trans-input"
          rows={3}
          value={text}
          placeholder="I am cold."
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </label>
      <div class="rv-controls">
        <label>
          <span>Beam width (1: greedy)</span>
          <input
            type="number"
            data-testid="try-trans-beam"
            min={1}
            max={16}
            step={1}
            value={beamWidth}
            onInput={(event) =>
              setBeamWidth(
                Math.min(16, Math.max(1, Math.floor(Number(event.currentTarget.value) || 1))),
              )
            }
          />
        </label>
      </div>
      <button
        type="button"
        data-testid="try-trans-run"
        disabled={disabled || busy || texts.length === 0}
        onClick={() => void run({ task: 'translation', texts, beamWidth })}
      >
        Translate
      </button>
      {output?.translations.map((translation, i) => (
        <div class="rv-translation" data-testid="try-trans-result" key={`${i}:${translation.text}`}>
          <p>
            <span class="rv-muted">{input?.texts[i] ?? ''}</span> →{' '}
            <strong data-testid="try-trans-output">{translation.text}</strong>
          </p>
          {translation.attention ? (
            <Heatmap
              sourceTokens={translation.sourceTokens}
              outputTokens={translation.outputTokens}
              attention={translation.attention}
            />
          ) : (
            <p class="rv-muted" data-testid="try-trans-no-attention">
              This model has no attention to show (its decoder reads the encoder's last state only).
            </p>
          )}
        </div>
      ))}
      <TryFooter error={error} milliseconds={milliseconds} />
    </div>
  );
}
