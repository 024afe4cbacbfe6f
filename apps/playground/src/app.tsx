// The page: the spec editor and examples menu on the left; data, backend, training, the trained
// model's "try" view and model files on the right. The experiment (spec text, data choice,
// backend, seed) is the page's state; the views below read it and report changes.
import { useState } from 'preact/hooks';
import type { Experiment } from './protocol.js';

// TODO(P3): replace these placeholder slots with
//   import { BackendPicker, DataPanel, ModelFilesPanel, TrainPanel, TryPanel } from './views/index.js';
// once wt-p3 is merged, and pass them the client and the experiment.
function Placeholder({ name, testId }: { name: string; testId: string }) {
  return (
    <section class="panel placeholder" data-testid={testId}>
      <h2>{name}</h2>
      <p>Coming soon.</p>
    </section>
  );
}

const initialExperiment: Experiment = {
  specText: '{\n  "task": "classification"\n}\n',
  data: { kind: 'bundled', id: 'sentiment' },
  backend: 'auto',
};

export function App() {
  const [experiment, setExperiment] = useState<Experiment>(initialExperiment);
  return (
    <div class="layout">
      <header class="top">
        <h1>Recurrent playground</h1>
      </header>
      <main class="columns">
        <section class="left" aria-label="Spec">
          <textarea
            class="spec-fallback"
            data-testid="spec-editor"
            value={experiment.specText}
            onInput={(event) =>
              setExperiment({ ...experiment, specText: event.currentTarget.value })
            }
          />
        </section>
        <section class="right" aria-label="Run">
          <Placeholder name="Data" testId="data-panel" />
          <Placeholder name="Backend" testId="backend-picker" />
          <Placeholder name="Training" testId="train-panel" />
          <Placeholder name="Try the model" testId="try-panel" />
          <Placeholder name="Model files" testId="model-files" />
        </section>
      </main>
    </div>
  );
}
