// The headline numbers of the evaluation a run ends with (the task's own object, cloned from the
// worker): what the status line shows under the curves, per task, as the CLI reports them.
import type { PlaygroundTask } from '../protocol.js';
import { formatMetric, significant } from './format.js';

export interface Figure {
  label: string;
  /** As shown ("86.0%", "12.35"). */
  text: string;
  value: number;
}

type Fields = [path: string, label: string, kind: 'percent' | 'number' | 'bleu'][];

const fields: Record<Exclude<PlaygroundTask, 'forecasting'>, Fields> = {
  classification: [
    ['accuracy', 'accuracy', 'percent'],
    ['macroF1', 'macro-F1', 'percent'],
    ['loss', 'loss', 'number'],
  ],
  generation: [
    ['perplexity', 'perplexity', 'number'],
    ['bitsPerToken', 'bits per token', 'number'],
    ['loss', 'loss', 'number'],
  ],
  translation: [
    ['bleu', 'BLEU', 'bleu'],
    ['tokenAccuracy', 'token accuracy', 'percent'],
    ['perplexity', 'perplexity', 'number'],
  ],
  tagging: [
    ['accuracy', 'accuracy', 'percent'],
    ['macroF1', 'macro-F1', 'percent'],
    ['spans.f1', 'span F1', 'percent'],
  ],
};

/**
 * The evaluation's headline figures; forecasting gives each target's RMSE beside the naive
 * baseline's (the number a forecast must beat). Fields the object lacks are left out.
 */
export function evaluationFigures(task: PlaygroundTask, evaluation: unknown): Figure[] {
  if (typeof evaluation !== 'object' || evaluation === null) return [];
  if (task === 'forecasting') return forecastFigures(evaluation);
  const figures: Figure[] = [];
  for (const [path, label, kind] of fields[task]) {
    const value = at(evaluation, path);
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const text =
      kind === 'percent'
        ? formatMetric('accuracy', value)
        : kind === 'bleu'
          ? formatMetric('bleu', value)
          : significant(value, 4);
    figures.push({ label, text, value });
  }
  return figures;
}

function forecastFigures(evaluation: object): Figure[] {
  const targets = at(evaluation, 'targets');
  if (typeof targets !== 'object' || targets === null) return [];
  const figures: Figure[] = [];
  for (const [name, report] of Object.entries(targets)) {
    for (const [method, label] of [
      ['model', 'RMSE'],
      ['naive', 'naive RMSE'],
    ] as const) {
      const value = at(report, `${method}.overall.rmse`);
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const what = Object.keys(targets).length > 1 ? `${name} ${label}` : label;
      figures.push({ label: what, text: significant(value, 4), value });
    }
  }
  return figures;
}

function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
