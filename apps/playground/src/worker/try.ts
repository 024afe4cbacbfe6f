// "Try the model": each task's inference on what a try view sends, as the protocol's TryOutput,
// and a warm-up run so that the first try after training or loading does not pay for compiling
// kernels (wasm, webgpu shaders) and building decoding tables.
import { naiveForecast, type TextGenerationOptions } from '@recurrent/core';
import type { ClassificationTask } from '@recurrent/task-classification';
import {
  type ForecastingTask,
  forecastingSettings,
  type TimeSeries,
} from '@recurrent/task-forecasting';
import type { GenerationTask } from '@recurrent/task-generation';
import type { TaggingTask } from '@recurrent/task-tagging';
import type { TranslationTask } from '@recurrent/task-translation';
import type { PlaygroundTask, TryInput, TryOutput } from '../protocol.js';
import { readSeries } from './data.js';

/** The trained task of each kind. */
export interface PlaygroundTasks {
  classification: ClassificationTask;
  generation: GenerationTask;
  translation: TranslationTask;
  tagging: TaggingTask;
  forecasting: ForecastingTask;
}

/** The task the worker holds, with its kind. */
export type Trained = {
  [K in PlaygroundTask]: { kind: K; task: PlaygroundTasks[K] };
}[PlaygroundTask];

/** How much of the series the forecasting view shows before the forecast. */
export const historyRows = 120;

export interface TryContext {
  signal: AbortSignal;
  /** Generation: each piece of text as it is decided. */
  onToken(text: string): void;
  /** Yields the event loop a turn now and then (so that "cancel-try" is delivered). */
  turn?: () => Promise<void> | undefined;
}

/**
 * The settings of a generation try: temperature 0 means greedy (the most likely token each time).
 * A top-k or top-p the try leaves out is off, not the spec's decoding setting (which the task
 * would fall back to): top-k is then the whole vocabulary and top-p 1. A seed left out is the
 * spec's decoding seed when it has one, else a random one.
 */
export function generationOptions(
  input: Extract<TryInput, { task: 'generation' }>,
  vocabularySize: number,
  signal?: AbortSignal,
): TextGenerationOptions {
  const common = { maxTokens: input.maxTokens, allowUnknown: true, ...(signal && { signal }) };
  if (input.temperature <= 0) return { ...common, strategy: 'greedy' };
  return {
    ...common,
    strategy: 'sample',
    temperature: input.temperature,
    topK: input.topK ?? vocabularySize,
    topP: input.topP ?? 1,
    ...(input.seed !== undefined && { seed: input.seed }),
  };
}

export async function runTry(
  trained: Trained,
  input: TryInput,
  context: TryContext,
): Promise<TryOutput> {
  if (input.task !== trained.kind) {
    throw new Error(`the model is a ${trained.kind} model: it cannot take a ${input.task} try`);
  }
  switch (trained.kind) {
    case 'classification': {
      const { texts } = input as Extract<TryInput, { task: 'classification' }>;
      const predictions = await trained.task.predict(texts);
      return {
        task: 'classification',
        predictions: predictions.map((p) => ({ label: p.label, probabilities: p.probabilities })),
      };
    }
    case 'generation': {
      const options = generationOptions(
        input as Extract<TryInput, { task: 'generation' }>,
        trained.task.vocabulary.tokens.length,
        context.signal,
      );
      // Cancelling aborts between two tokens: the result is then the text so far.
      const stream = trained.task.stream((input as { prompt: string }).prompt, options);
      for (;;) {
        const next = await stream.next();
        if (next.done) return { task: 'generation', text: next.value.text };
        context.onToken(next.value.text);
        await context.turn?.();
      }
    }
    case 'translation': {
      const { texts, beamWidth } = input as Extract<TryInput, { task: 'translation' }>;
      // Width 1 is greedy search, whatever the spec's decoding strategy (beam or greedy).
      const search =
        beamWidth === undefined
          ? {}
          : beamWidth <= 1
            ? { strategy: 'greedy' as const }
            : { strategy: 'beam' as const, beam: beamWidth };
      const translations = await trained.task.translate(texts, {
        signal: context.signal,
        ...search,
      });
      return {
        task: 'translation',
        translations: translations.map((t) => ({
          text: t.text,
          sourceTokens: t.sourceTokens,
          // A row of attention per output token, plus one for "<eos>" when the translation ended
          // with it: name that row too, so rows and labels line up.
          outputTokens:
            t.attention.length === t.tokens.length + 1 ? [...t.tokens, '<eos>'] : t.tokens,
          attention: t.attention,
        })),
      };
    }
    case 'tagging': {
      const { sentences } = input as Extract<TryInput, { task: 'tagging' }>;
      const results = await trained.task.tag(sentences);
      return {
        task: 'tagging',
        results: results.map((r) => ({
          tokens: r.tokens,
          tags: r.tags,
          ...(r.confidence && { confidence: r.confidence }),
        })),
      };
    }
    case 'forecasting': {
      const { csvText, horizon } = input as Extract<TryInput, { task: 'forecasting' }>;
      return forecastTry(trained.task, csvText, horizon);
    }
  }
}

async function forecastTry(
  task: ForecastingTask,
  csvText: string,
  horizon: number | undefined,
): Promise<TryOutput> {
  const series = readSeries(csvText, 'the series', task.features);
  const forecast = await task.forecast(series, horizon !== undefined ? { horizon } : {});
  const rows = series.dates?.length ?? Object.values(series.columns)[0]?.length ?? 0;
  const from = Math.max(0, rows - historyRows);
  const history: Record<string, number[]> = {};
  const naive: Record<string, number[]> = {};
  for (const target of task.targets) {
    const column = series.columns[target] as ArrayLike<number>;
    history[target] = Array.from(column).slice(from);
    naive[target] = Array.from(naiveForecast(column, forecast.horizon));
  }
  return {
    task: 'forecasting',
    history: { ...(series.dates && { dates: series.dates.slice(from) }), values: history },
    forecast: { ...(forecast.dates && { dates: forecast.dates }), values: forecast.values },
    naive,
  };
}

/**
 * One small inference so that the first real one runs at full speed. `sample` is an input the
 * model can read (a training text, sentence or series); without one (a loaded model) the warm-up
 * uses what the model itself knows.
 */
export async function warmUp(trained: Trained, sample?: unknown): Promise<void> {
  switch (trained.kind) {
    case 'classification':
      await trained.task.predict([typeof sample === 'string' ? sample : 'warm up']);
      return;
    case 'generation': {
      // A loaded model: its first ordinary token (after <pad>, <unk>, <bos>, <eos>) is a prompt
      // it knows, whatever its tokenizer (an empty prompt needs a line break in the vocabulary).
      const prompt =
        typeof sample === 'string' ? sample : (trained.task.vocabulary.tokens[4] ?? '');
      await trained.task.generate(prompt, { maxTokens: 2, strategy: 'greedy', allowUnknown: true });
      return;
    }
    case 'translation':
      await trained.task.translate([typeof sample === 'string' ? sample : 'hello'], {
        maxLength: 3,
      });
      return;
    case 'tagging':
      await trained.task.tag([Array.isArray(sample) ? (sample as string[]) : ['warm', 'up']]);
      return;
    case 'forecasting':
      await trained.task.forecast(
        sample && typeof sample === 'object' && 'columns' in sample
          ? (sample as TimeSeries)
          : shortestSeries(trained.task),
      );
      return;
  }
}

/**
 * A loaded forecaster has no series of its own: a made-up one just long enough for a forecast
 * (its window plus the rows differencing takes), rising by one per row in each column it reads.
 */
function shortestSeries(task: ForecastingTask): TimeSeries {
  const { window, lags } = forecastingSettings(task.spec);
  const rows = window + lags.reduce((sum, lag) => sum + lag, 0);
  const ramp = Array.from({ length: rows }, (_, i) => i + 1);
  return { columns: Object.fromEntries(task.features.map((name) => [name, ramp])) };
}
