// Tagging: sentences (one per line, tokens split on spaces) → each token coloured by its tag,
// with a legend of the tags seen.
import { useState } from 'preact/hooks';
import { isOutsideTag, tagColour, tagEntity, tagPalette } from '../colours.js';
import { lines, TryFooter, type TryViewProps, useTry } from './common.js';

export function TaggingTry({ client, disabled = false }: TryViewProps) {
  const [text, setText] = useState('');
  const { output, busy, error, milliseconds, run } = useTry(client, 'tagging');
  const sentences = lines(text).map((line) => line.split(/\s+/));
  const tags = output?.results.flatMap((r) => r.tags) ?? [];
  const palette = tagPalette(tags);
  return (
    <div class="rv-try-view">
      <label class="rv-block">
        <span>Sentences to tag (one per line; tokens separated by spaces)</span>
        <textarea
          data-testid="try-tag-input"
          rows={3}
          value={text}
          placeholder="show me flights from boston to denver on monday"
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </label>
      <button
        type="button"
        data-testid="try-tag-run"
        disabled={disabled || busy || sentences.length === 0}
        onClick={() => void run({ task: 'tagging', sentences })}
      >
        Tag
      </button>
      {output?.results.map((result, i) => (
        <p class="rv-tagged" data-testid="try-tag-output" key={`${i}:${result.tokens.join(' ')}`}>
          {result.tokens.map((token, t) => {
            const tag = result.tags[t] ?? '';
            const confidence = result.confidence?.[t];
            return (
              <span
                key={`${t}:${token}`}
                class={`rv-token${isOutsideTag(tag) ? ' rv-token-outside' : ''}`}
                data-testid="try-tag-token"
                data-tag={tag}
                style={{ background: tagColour(palette, tag) }}
                title={
                  confidence !== undefined ? `${tag} (${(confidence * 100).toFixed(1)}%)` : tag
                }
              >
                <span class="rv-token-text">{token}</span>
                <span class="rv-token-tag">{tag}</span>
              </span>
            );
          })}
        </p>
      ))}
      {palette.size > 0 && (
        <ul class="rv-legend" data-testid="try-tag-legend" aria-label="Tags">
          {[...palette].map(([entity, colour]) => (
            <li key={entity} data-testid="try-tag-legend-item" data-tag={entity}>
              <span class="rv-swatch" style={{ background: colour }} />
              {entity}
              {tags.some((t) => t !== entity && tagEntity(t) === entity) ? ' (B-/I- span)' : ''}
            </li>
          ))}
        </ul>
      )}
      <TryFooter error={error} milliseconds={milliseconds} />
    </div>
  );
}
