// The live curves' data, in the column layout uPlot draws: one x column (fractional epochs) and
// one column per series, null where a series has no point at that x. Batch losses and the epoch
// records share the x axis, so the per-epoch curves sit on the batch curve they summarise.
import type { CurvePoint } from '../protocol.js';

export interface CurveColumns {
  /** x: epochs (fractional for batches). */
  at: number[];
  batchLoss: (number | null)[];
  epochLoss: (number | null)[];
  validationLoss: (number | null)[];
  /** The task's main validation metric (accuracy, perplexity, BLEU, RMSE). */
  metric: (number | null)[];
}

export function emptyCurves(): CurveColumns {
  return { at: [], batchLoss: [], epochLoss: [], validationLoss: [], metric: [] };
}

/** Points whose x differ by less than this are one row (an epoch ends where its last batch does). */
const sameX = 1e-9;

/**
 * Adds progress points to the columns in place (they grow by thousands of batches; copying them
 * per redraw would cost more than drawing). Rows stay sorted by x, as uPlot requires.
 */
export function appendPoints(
  columns: CurveColumns,
  points: readonly { point: CurvePoint; kind: 'batch' | 'epoch' }[],
  metricKey: string,
): void {
  for (const { point, kind } of points) {
    const row = rowFor(columns, point.at);
    if (kind === 'batch') {
      columns.batchLoss[row] = finite(point.loss);
    } else {
      columns.epochLoss[row] = finite(point.loss);
      columns.validationLoss[row] = finite(point.validationLoss);
      columns.metric[row] = finite(point.metrics?.[metricKey]);
    }
  }
}

function rowFor(columns: CurveColumns, at: number): number {
  const last = columns.at.length - 1;
  const lastAt = columns.at[last];
  if (lastAt !== undefined && Math.abs(lastAt - at) < sameX) return last;
  let row = columns.at.length;
  // Points normally arrive in order; a late one (or a resumed run's) is inserted in place.
  if (lastAt !== undefined && at < lastAt) {
    row = columns.at.findIndex((x) => x >= at - sameX);
    if (Math.abs((columns.at[row] as number) - at) < sameX) return row;
  }
  columns.at.splice(row, 0, at);
  for (const column of [
    columns.batchLoss,
    columns.epochLoss,
    columns.validationLoss,
    columns.metric,
  ]) {
    column.splice(row, 0, null);
  }
  return row;
}

function finite(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

/** The last non-null value of a column (the status line's "latest" numbers). */
export function lastValue(column: readonly (number | null)[]): number | undefined {
  for (let i = column.length - 1; i >= 0; i--) {
    const value = column[i];
    if (value !== null && value !== undefined) return value;
  }
  return undefined;
}

/** Whether any row has a value in the column (hide empty series, e.g. no validation data). */
export function hasValues(column: readonly (number | null)[]): boolean {
  return column.some((v) => v !== null);
}
