// Forecasting: the series (the training data by default) → one plot of its history, the model's
// forecast and the naive baseline (the last value repeated), dates on the x axis when it has them.
import { useEffect, useMemo, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { DataChoice } from '../../protocol.js';
import { dataText } from '../data.js';
import { forecastColumns, forecastVariables, historyShownFor } from '../forecast-plot.js';
import { Plot } from '../Plot.js';
import { TryFooter, type TryViewProps, useTry } from './common.js';

export interface ForecastingTryProps extends TryViewProps {
  /** The data the model trained on: its text fills the series box to begin with. */
  data: DataChoice | undefined;
}

export function ForecastingTry({ client, data, disabled = false }: ForecastingTryProps) {
  const [csvText, setCsvText] = useState('');
  const [horizon, setHorizon] = useState('');
  const [variable, setVariable] = useState<string | undefined>();
  const { output, busy, error, milliseconds, run } = useTry(client, 'forecasting');

  // Other data replaces the series box's text (the old text, edited or not, was the old data's);
  // keyed on what identifies the data, so an unchanged choice never overwrites the user's edits.
  const dataKey =
    data === undefined
      ? ''
      : data.kind === 'bundled'
        ? `bundled:${data.id}`
        : `file:${data.name}:${data.text.length}`;
  useEffect(() => {
    if (!data) return;
    let live = true;
    setCsvText('');
    dataText(data).then(
      (text) => live && setCsvText(text),
      () => undefined, // the data panel shows why the data cannot be read
    );
    return () => {
      live = false;
    };
  }, [dataKey]);

  const variables = output ? forecastVariables(output) : [];
  const shown = variable && variables.includes(variable) ? variable : variables[0];
  const horizonOut = output && shown ? (output.forecast.values[shown]?.length ?? 0) : 0;
  const historyShown = historyShownFor(horizonOut);
  const columns = output && shown ? forecastColumns(output, shown, historyShown) : undefined;
  const historyLength = output && shown ? (output.history.values[shown]?.length ?? 0) : 0;
  const plotData = useMemo<uPlot.AlignedData | undefined>(
    () => columns && [columns.x, columns.history, columns.forecast, columns.naive],
    [output, shown],
  );
  const time = columns?.time ?? false;
  const options = useMemo(() => forecastChartOptions(time), [time]);
  const parsedHorizon = horizon.trim() === '' ? undefined : Number(horizon);
  const horizonValid =
    parsedHorizon === undefined || (Number.isInteger(parsedHorizon) && parsedHorizon > 0);

  return (
    <div class="rv-try-view">
      <label class="rv-block">
        <span>Series (CSV with a header; the model forecasts what follows its last rows)</span>
        <textarea
          data-testid="try-fc-input"
          rows={5}
          value={csvText}
          onInput={(event) => setCsvText(event.currentTarget.value)}
        />
      </label>
      <div class="rv-controls">
        <label>
          <span>Horizon (empty: the model's)</span>
          <input
            type="text"
            inputMode="numeric"
            data-testid="try-fc-horizon"
            value={horizon}
            aria-invalid={!horizonValid}
            onInput={(event) => setHorizon(event.currentTarget.value)}
          />
        </label>
        {variables.length > 1 && (
          <label>
            <span>Variable</span>
            <select
              data-testid="try-fc-variable"
              value={shown}
              onChange={(event) => setVariable(event.currentTarget.value)}
            >
              {variables.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {!horizonValid && <p class="rv-error">The horizon is a whole number of steps above 0.</p>}
      <button
        type="button"
        data-testid="try-fc-run"
        disabled={disabled || busy || !horizonValid || csvText.trim() === ''}
        onClick={() =>
          void run({
            task: 'forecasting',
            csvText,
            ...(parsedHorizon !== undefined ? { horizon: parsedHorizon } : {}),
          })
        }
      >
        Forecast
      </button>
      {plotData && output && shown && (
        <>
          <Plot
            testId="try-fc-plot"
            label={`${shown}: history, forecast and naive baseline`}
            options={options}
            data={plotData}
            version={0}
            height={260}
          />
          {historyLength > historyShown && (
            <p class="rv-muted">
              The last {historyShown} of {historyLength} observations, then the forecast.
            </p>
          )}
          <p class="rv-muted" data-testid="try-fc-values">
            Forecast of {shown}:{' '}
            {(output.forecast.values[shown] ?? [])
              .map((v) => String(Number(v.toPrecision(4))))
              .join(', ')}
          </p>
        </>
      )}
      <TryFooter error={error} milliseconds={milliseconds} />
    </div>
  );
}

function forecastChartOptions(time: boolean): Omit<uPlot.Options, 'width' | 'height'> {
  const font = '11px system-ui, sans-serif';
  return {
    // The series' dates are UTC (a month is its first day at 00:00 UTC): label them in UTC, or
    // a page west of Greenwich would show the last day of the month before.
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    scales: { x: { time } },
    axes: [
      { label: time ? 'date' : 'step', font, labelFont: font },
      { font, labelFont: font, size: 56 },
    ],
    series: [
      { label: time ? 'date' : 'step' },
      { label: 'history', stroke: '#5b6475', width: 1.5 },
      { label: 'forecast', stroke: '#2f6fde', width: 2, points: { show: true, size: 5 } },
      { label: 'naive baseline', stroke: '#d9822b', width: 1.5, dash: [6, 4] },
    ],
    legend: { live: false },
  };
}
