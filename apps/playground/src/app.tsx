// The page: the examples menu and spec editor on the left; data, backend, training, the trained
// model's "try" view and model files on the right. The experiment (spec text, data choice,
// backend, seed) is the page's state and lives in the URL; the worker behind `client` trains and
// runs the model, so the page stays responsive.
import type { JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { PlaygroundClient } from './client.js';
import { type RunProblem, SpecEditor } from './editor/index.js';
import type { Experiment, PlaygroundTask } from './protocol.js';
import { ExamplesMenu } from './state/ExamplesMenu.js';
import { defaultExample, taskOfSpecText } from './state/examples.js';
import { useExperiment } from './state/use-experiment.js';
import { BackendPicker, DataPanel, ModelFilesPanel, TrainPanel, TryPanel } from './views/index.js';

const initialExperiment: Experiment = {
  specText: defaultExample.specText,
  data: { kind: 'bundled', id: 'uci-sentiment' },
  backend: 'auto',
};

export function App() {
  const client = useMemo(() => new PlaygroundClient(), []);
  const { experiment, setExperiment, linkNotice } = useExperiment(initialExperiment);
  const [specValid, setSpecValid] = useState(false);
  const [runProblems, setRunProblems] = useState<RunProblem[]>([]);
  const [running, setRunning] = useState(false);
  /** The task of the model the worker holds (trained or opened), undefined before one. */
  const [modelTask, setModelTask] = useState<PlaygroundTask | undefined>();
  const [canSave, setCanSave] = useState(false);
  /** A model is being opened: no run may start meanwhile (it would replace the model). */
  const [opening, setOpening] = useState(false);

  const specTask = useMemo(() => taskOfSpecText(experiment.specText), [experiment.specText]);
  const update = (change: Partial<Experiment>) => setExperiment({ ...experiment, ...change });

  return (
    <div class="layout">
      <header class="top">
        <h1>Recurrent playground</h1>
        <p class="tagline">Edit a spec, train it in your browser, try the model.</p>
        <SeedField
          value={experiment.seed}
          disabled={running}
          onChange={(seed) => {
            const { seed: _old, ...rest } = experiment;
            setExperiment(seed === undefined ? rest : { ...rest, seed });
          }}
        />
      </header>
      {linkNotice && (
        <p class="notice" role="status" data-testid="link-notice">
          {linkNotice}
        </p>
      )}
      <main class="columns">
        <section class="left" aria-label="Spec">
          <div class="panel editor-panel">
            <div class="editor-bar">
              <h2>Spec</h2>
              <ExamplesMenu
                specText={experiment.specText}
                disabled={running}
                onPick={(example) => update({ specText: example.specText })}
              />
            </div>
            <SpecEditor
              text={experiment.specText}
              onChange={(specText) => update({ specText })}
              onCheck={(check) => setSpecValid(check.result.ok)}
              runProblems={runProblems}
              readOnly={running}
            />
          </div>
        </section>
        <section class="right" aria-label="Run">
          <DataPanel
            task={specTask}
            value={experiment.data}
            onChange={(data) => update({ data })}
            disabled={running}
          />
          <BackendPicker
            client={client}
            value={experiment.backend}
            // The data-parallel setting belongs to the cpu and wasm backends: another drops it.
            onChange={(backend) => {
              const { dataParallel: _, ...rest } = experiment;
              setExperiment(
                backend === 'cpu' || backend === 'wasm'
                  ? { ...experiment, backend }
                  : { ...rest, backend },
              );
            }}
            dataParallel={experiment.dataParallel ?? 1}
            onDataParallelChange={(count) => {
              const { dataParallel: _, ...rest } = experiment;
              setExperiment(count > 1 ? { ...experiment, dataParallel: count } : rest);
            }}
            disabled={running}
          />
          <TrainPanel
            client={client}
            experiment={experiment}
            task={specTask}
            disabled={!specValid || opening}
            onStarted={(event) => {
              setRunProblems([]);
              setModelTask(event.task);
              setCanSave(false);
            }}
            onTrained={() => setCanSave(true)}
            onError={(error) => {
              // The failed run had replaced the model: there is nothing left to try or save.
              if ((error as { modelDropped?: boolean }).modelDropped) {
                setModelTask(undefined);
                setCanSave(false);
              }
              if (error.pointer !== undefined)
                setRunProblems([{ pointer: error.pointer, message: error.message }]);
            }}
            onRunningChange={setRunning}
          />
          <TryPanel
            client={client}
            task={modelTask}
            data={experiment.data}
            disabled={running || opening}
          />
          <ModelFilesPanel
            client={client}
            canSave={canSave}
            backend={experiment.backend}
            disabled={running}
            onOpeningChange={setOpening}
            onLoaded={(model) => {
              setModelTask(model.task);
              setCanSave(true);
            }}
          />
        </section>
      </main>
    </div>
  );
}

/** The run's seed (Experiment.seed): empty keeps the spec's training.seed. */
function SeedField(props: {
  value: number | undefined;
  disabled: boolean;
  onChange(seed: number | undefined): void;
}) {
  const onInput = (event: JSX.TargetedEvent<HTMLInputElement>) => {
    const text = event.currentTarget.value.trim();
    if (text === '') props.onChange(undefined);
    else if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) props.onChange(Number(text));
  };
  return (
    <label class="seed" title="Overrides the spec's training.seed; empty keeps it">
      <span>Seed</span>
      <input
        data-testid="seed"
        type="number"
        min={0}
        step={1}
        placeholder="spec's"
        value={props.value ?? ''}
        onInput={onInput}
        disabled={props.disabled}
      />
    </label>
  );
}
