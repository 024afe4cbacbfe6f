// Formatting of the numbers the training and data views show. Pure functions: the unit tests
// run them in Node, and every view formats the same way.
import type { PlaygroundTask } from '../protocol.js';

const dash = '—';

/** "< 1 s", "42 s", "3 min 05 s", "1 h 02 min": an ETA or an elapsed time. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return dash;
  if (seconds < 1) return '< 1 s';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) {
    const minutes = Math.floor(whole / 60);
    return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
  }
  const totalMinutes = Math.round(whole / 60);
  const hours = Math.floor(totalMinutes / 60);
  return `${hours} h ${String(totalMinutes % 60).padStart(2, '0')} min`;
}

/** "7.5 tokens/s", "312 tokens/s", "12.3k tokens/s", "1.20M tokens/s". */
export function formatThroughput(perSecond: number | undefined, unit = 'tokens'): string {
  if (perSecond === undefined || !Number.isFinite(perSecond) || perSecond < 0) return dash;
  return `${compactNumber(perSecond)} ${unit}/s`;
}

function compactNumber(value: number): string {
  if (value < 10) return value.toFixed(1);
  if (value < 1000) return String(Math.round(value));
  if (value < 1e6) return `${(value / 1e3).toFixed(value < 1e4 ? 2 : 1)}k`;
  return `${(value / 1e6).toFixed(2)}M`;
}

/** "512 B", "12.3 kB", "1.46 MB" (decimal units, as file managers show). */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return dash;
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** The validation metric each task's curve shows beside the loss (as the CLI reports it). */
export const mainMetric: Record<PlaygroundTask, { key: string; label: string }> = {
  classification: { key: 'accuracy', label: 'validation accuracy' },
  generation: { key: 'perplexity', label: 'validation perplexity' },
  translation: { key: 'bleu', label: 'validation BLEU' },
  tagging: { key: 'accuracy', label: 'validation accuracy' },
  forecasting: { key: 'rmse', label: 'validation RMSE' },
};

/** A metric's value as the CLI prints it: accuracy and F1 as percentages, the rest as numbers. */
export function formatMetric(key: string, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return dash;
  if (key === 'accuracy' || key === 'f1') return `${(value * 100).toFixed(1)}%`;
  if (key === 'bleu') return value.toFixed(2);
  return significant(value, 4);
}

/** A loss or error value with `digits` significant digits, without exponent for usual sizes. */
export function significant(value: number, digits: number): string {
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return decimals > 10 ? value.toExponential(digits - 1) : value.toFixed(decimals);
}

/** "epoch 3/10" from a progress point's epoch (the worker counts from 1, as people do). */
export function formatEpoch(epoch: number, epochs: number): string {
  return `epoch ${Math.max(1, Math.min(epoch, epochs))}/${epochs}`;
}
