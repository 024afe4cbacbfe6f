// "Try the model": the view of the trained (or opened) model's task.
import type { PlaygroundClient } from '../client.js';
import type { DataChoice, PlaygroundTask } from '../protocol.js';
import { ClassificationTry } from './try/ClassificationTry.js';
import { ForecastingTry } from './try/ForecastingTry.js';
import { GenerationTry } from './try/GenerationTry.js';
import { TaggingTry } from './try/TaggingTry.js';
import { TranslationTry } from './try/TranslationTry.js';

export interface TryPanelProps {
  client: PlaygroundClient;
  /**
   * The task of the model the worker holds (the "started"/"trained" run's task, or the opened
   * model's), or undefined while there is no model: the panel then says how to get one.
   */
  task: PlaygroundTask | undefined;
  /** The experiment's data: the forecasting view starts from its series. */
  data?: DataChoice;
  /** Disables the views' run buttons (e.g. while a new run trains and replaces the model). */
  disabled?: boolean;
}

const titles: Record<PlaygroundTask, string> = {
  classification: 'Classify text',
  generation: 'Generate text',
  translation: 'Translate',
  tagging: 'Tag tokens',
  forecasting: 'Forecast the series',
};

export function TryPanel({ client, task, data, disabled = false }: TryPanelProps) {
  return (
    <section
      class="panel rv-try"
      data-testid="try-panel"
      data-task={task ?? ''}
      aria-label="Try the model"
    >
      <h2>Try the model{task ? `: ${titles[task]}` : ''}</h2>
      {task === undefined && (
        <p class="rv-muted" data-testid="try-empty">
          Train a model, or open one under Model files, to try it here.
        </p>
      )}
      {/* Keyed by task: a model of another task starts its view afresh. */}
      {task === 'classification' && (
        <ClassificationTry key={task} client={client} disabled={disabled} />
      )}
      {task === 'generation' && <GenerationTry key={task} client={client} disabled={disabled} />}
      {task === 'translation' && <TranslationTry key={task} client={client} disabled={disabled} />}
      {task === 'tagging' && <TaggingTry key={task} client={client} disabled={disabled} />}
      {task === 'forecasting' && (
        <ForecastingTry key={task} client={client} data={data} disabled={disabled} />
      )}
    </section>
  );
}
