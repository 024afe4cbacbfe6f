// Classification: type text (one per line), see each label's probability as a bar.
import { useState } from 'preact/hooks';
import { lines, TryFooter, type TryViewProps, useTry } from './common.js';

export function ClassificationTry({ client, disabled = false }: TryViewProps) {
  const [text, setText] = useState('');
  const { output, input, busy, error, milliseconds, run } = useTry(client, 'classification');
  const texts = lines(text);
  return (
    <div class="rv-try-view">
      <label class="rv-block">
        <span>Text to classify (one per line)</span>
        <textarea
          data-testid="try-class-input"
          rows={3}
          value={text}
          placeholder="The film was a delight from start to finish."
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </label>
      <button
        type="button"
        data-testid="try-class-run"
        disabled={disabled || busy || texts.length === 0}
        onClick={() => void run({ task: 'classification', texts })}
      >
        Classify
      </button>
      {output?.predictions.map((prediction, i) => (
        <div class="rv-prediction" data-testid="try-class-result" key={`${i}:${prediction.label}`}>
          <p>
            <span class="rv-muted">{input?.texts[i] ?? ''}</span> →{' '}
            <strong data-testid="try-class-label">{prediction.label}</strong>
          </p>
          <ul class="rv-bars">
            {Object.entries(prediction.probabilities)
              .sort(([, a], [, b]) => b - a)
              .map(([label, p]) => (
                <li key={label} data-testid="try-class-bar" data-label={label} data-probability={p}>
                  <span class="rv-bar-label">{label}</span>
                  <span class="rv-bar-track">
                    <span
                      class={`rv-bar${label === prediction.label ? ' rv-bar-top' : ''}`}
                      style={{ width: `${(p * 100).toFixed(1)}%` }}
                    />
                  </span>
                  <span class="rv-bar-value">{(p * 100).toFixed(1)}%</span>
                </li>
              ))}
          </ul>
        </div>
      ))}
      <TryFooter error={error} milliseconds={milliseconds} />
    </div>
  );
}
