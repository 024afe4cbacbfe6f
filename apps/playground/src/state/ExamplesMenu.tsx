// The examples menu: the playground's fast specs, then the repository's specs/examples. Picking
// one replaces the editor's text; "your spec" stands for any text that is no example's.
import type { JSX } from 'preact';
import { type Example, examples } from './examples.js';

export interface ExamplesMenuProps {
  /** The editor's text, to show which example it is (if any). */
  specText: string;
  onPick(example: Example): void;
  disabled?: boolean;
}

const groups: { source: Example['source']; label: string }[] = [
  { source: 'playground', label: 'Small, for the browser' },
  { source: 'repository', label: 'Repository specs/examples (full size, slow here)' },
];

export function ExamplesMenu({ specText, onPick, disabled = false }: ExamplesMenuProps) {
  const current = examples.find((e) => e.specText === specText);
  const onChange = (event: JSX.TargetedEvent<HTMLSelectElement>) => {
    const picked = examples.find((e) => e.id === event.currentTarget.value);
    if (picked) onPick(picked);
  };
  return (
    <label class="examples">
      <span>Example</span>
      <select
        data-testid="examples"
        value={current?.id ?? ''}
        onChange={onChange}
        disabled={disabled}
        title={current?.description}
      >
        {current === undefined && <option value="">your spec</option>}
        {groups.map((group) => (
          <optgroup key={group.source} label={group.label}>
            {examples
              .filter((e) => e.source === group.source)
              .map((e) => (
                <option key={e.id} value={e.id}>
                  {e.task}: {e.title}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
