// Training: train / stop / resume, the live curves (training loss per batch and per epoch,
// validation loss, the task's main validation metric), tokens per second, ETA, epoch n/N and a
// status line. Progress comes from the worker up to once per batch; it is coalesced so the curves
// redraw at most ten times a second and the page stays responsive.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { PlaygroundClient, ProgressEvent, StartedEvent, TrainedEvent } from '../client.js';
import type { Experiment, PlaygroundTask } from '../protocol.js';
import { type Coalescer, createCoalescer } from './coalesce.js';
import { appendPoints, type CurveColumns, emptyCurves, lastValue } from './curves.js';
import { dataText } from './data.js';
import { evaluationFigures } from './evaluation.js';
import {
  formatDuration,
  formatEpoch,
  formatMetric,
  formatThroughput,
  mainMetric,
  significant,
} from './format.js';
import { Plot } from './Plot.js';

export interface TrainPanelProps {
  client: PlaygroundClient;
  /** What to train (the spec text, data, backend and seed). */
  experiment: Experiment;
  /** The spec's task, when the spec names one (labels the metric before the run starts). */
  task: PlaygroundTask | undefined;
  /** A run started: the worker's backend, task and notes (e.g. "resumed at epoch 3"). */
  onStarted?(event: StartedEvent): void;
  /** A run ended (finished or stopped); the model can be tried and saved from now on. */
  onTrained?(event: TrainedEvent): void;
  /** A run failed; `pointer` (JSON pointer into the spec) lets the editor mark the place. */
  onError?(error: Error & { pointer?: string | undefined }): void;
  /** Called with true when a run starts and false when it ends, so the page can lock inputs. */
  onRunningChange?(running: boolean): void;
  /** Stops a run after this many milliseconds (it checkpoints, as a stop does). */
  maxTimeMs?: number;
  /** E.g. while the spec has errors. */
  disabled?: boolean;
}

type Phase = 'idle' | 'preparing' | 'training' | 'stopping' | 'done' | 'failed';

interface Live {
  epoch: number;
  epochs: number;
  tokensPerSecond: number | undefined;
  etaSeconds: number | undefined;
  lastLoss: number | undefined;
}

const idleLive: Live = {
  epoch: 0,
  epochs: 0,
  tokensPerSecond: undefined,
  etaSeconds: undefined,
  lastLoss: undefined,
};

export function TrainPanel(props: TrainPanelProps) {
  const { client, experiment, task, maxTimeMs, disabled = false } = props;
  const [phase, setPhase] = useState<Phase>('idle');
  const [started, setStarted] = useState<StartedEvent | undefined>();
  const [trained, setTrained] = useState<TrainedEvent | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [live, setLive] = useState<Live>(idleLive);
  const [columns, setColumns] = useState<CurveColumns>(emptyCurves);
  const [version, setVersion] = useState(0);
  // The latest callbacks, so a run started earlier reports to the current ones.
  const callbacks = useRef(props);
  callbacks.current = props;

  const runTask = started?.task ?? task;
  const metric = mainMetric[runTask ?? 'classification'];

  // One coalescer per run, flushing into that run's columns; the task's metric is read at flush
  // time because the worker names the task only when the run has started.
  const coalescerRef = useRef<Coalescer<ProgressEvent> | undefined>(undefined);
  const taskRef = useRef(runTask);
  taskRef.current = runTask;
  useEffect(() => () => coalescerRef.current?.cancel(), []);
  const newRun = (): CurveColumns => {
    coalescerRef.current?.cancel();
    const fresh = emptyCurves();
    coalescerRef.current = createCoalescer<ProgressEvent>((events) => {
      appendPoints(fresh, events, mainMetric[taskRef.current ?? 'classification'].key);
      const last = events[events.length - 1] as ProgressEvent;
      // Epoch records carry no ETA: keep the last batch's rather than blink to "—".
      const eta = events.findLast((e) => e.etaSeconds !== undefined)?.etaSeconds;
      setLive((previous) => ({
        epoch: last.point.epoch,
        epochs: last.epochs,
        tokensPerSecond: last.tokensPerSecond,
        etaSeconds: eta ?? previous.etaSeconds,
        lastLoss: last.point.loss,
      }));
      setVersion((v) => v + 1);
    });
    return fresh;
  };

  const running = phase === 'preparing' || phase === 'training' || phase === 'stopping';
  const run = async (resume: boolean) => {
    setError(undefined);
    setTrained(undefined);
    setStarted(undefined);
    setLive(idleLive);
    setColumns(newRun());
    setPhase('preparing');
    callbacks.current.onRunningChange?.(true);
    stopRequested.current = false;
    try {
      const text = await dataText(experiment.data);
      // Stop pressed while the data loaded: there is no run to stop yet, so do not start one.
      if (stopRequested.current) {
        setPhase('idle');
        return;
      }
      const request = {
        experiment,
        dataText: text,
        resume,
        ...(maxTimeMs !== undefined ? { maxTimeMs } : {}),
      };
      const result = await client.train(request, (event) => {
        if (event.type === 'started') {
          taskRef.current = event.task;
          setStarted(event);
          setPhase((p) => (p === 'stopping' ? p : 'training'));
          callbacks.current.onStarted?.(event);
        } else {
          coalescerRef.current?.push(event);
        }
      });
      coalescerRef.current?.flushNow();
      setTrained(result);
      setPhase('done');
      callbacks.current.onTrained?.(result);
    } catch (e) {
      coalescerRef.current?.flushNow();
      const failure = e instanceof Error ? e : new Error(String(e));
      setError(failure.message);
      setPhase('failed');
      callbacks.current.onError?.(failure);
    } finally {
      callbacks.current.onRunningChange?.(false);
    }
  };
  const stopRequested = useRef(false);
  const stop = () => {
    stopRequested.current = true;
    setPhase('stopping');
    client.stop();
  };

  const lossData = useMemo<uPlot.AlignedData>(
    () => [columns.at, columns.batchLoss, columns.epochLoss, columns.validationLoss],
    [columns],
  );
  const metricData = useMemo<uPlot.AlignedData>(() => [columns.at, columns.metric], [columns]);
  const lossOptions = useMemo(() => lossChartOptions(), []);
  const metricOptions = useMemo(() => metricChartOptions(metric.label), [metric.label]);

  const unit = runTask === 'forecasting' ? 'windows' : 'tokens';
  const latestMetric = lastValue(columns.metric);
  const figures = trained && runTask ? evaluationFigures(runTask, trained.evaluation) : [];
  return (
    <section class="panel rv-train" data-testid="train-panel" aria-label="Training">
      <h2>Training</h2>
      <div class="rv-buttons">
        <button
          type="button"
          data-testid="train-start"
          disabled={disabled || running}
          onClick={() => void run(false)}
        >
          Train
        </button>
        <button
          type="button"
          data-testid="train-stop"
          disabled={!running || phase === 'stopping'}
          onClick={stop}
          title="Stops at the next batch and keeps a checkpoint in this browser"
        >
          Stop
        </button>
        <button
          type="button"
          data-testid="train-resume"
          disabled={disabled || running}
          onClick={() => void run(true)}
          title="Continues from the checkpoint this browser keeps for this experiment, if there is one"
        >
          Resume
        </button>
      </div>
      <p class="rv-status" data-testid="train-status" aria-live="polite">
        {statusLine(phase, started, trained, live)}
      </p>
      <dl class="rv-stats">
        <div>
          <dt>Epoch</dt>
          <dd data-testid="train-epoch">
            {live.epochs > 0 ? formatEpoch(live.epoch, live.epochs) : '—'}
          </dd>
        </div>
        <div>
          <dt>Throughput</dt>
          <dd data-testid="train-throughput">{formatThroughput(live.tokensPerSecond, unit)}</dd>
        </div>
        <div>
          <dt>Threads</dt>
          <dd data-testid="train-threads">{started ? started.threads : '—'}</dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd data-testid="train-eta">{running ? formatDuration(live.etaSeconds) : '—'}</dd>
        </div>
        <div>
          <dt>Loss</dt>
          <dd data-testid="train-loss">
            {live.lastLoss !== undefined ? significant(live.lastLoss, 4) : '—'}
          </dd>
        </div>
        <div>
          <dt>{metric.label}</dt>
          <dd data-testid="train-metric" data-metric={metric.key} data-value={latestMetric ?? ''}>
            {formatMetric(metric.key, latestMetric)}
          </dd>
        </div>
      </dl>
      {figures.length > 0 && (
        <p class="rv-evaluation" data-testid="train-evaluation">
          Validation, weights kept:{' '}
          {figures.map((f, i) => (
            <span
              key={f.label}
              data-testid="train-evaluation-figure"
              data-label={f.label}
              data-value={f.value}
            >
              {i > 0 ? ', ' : ''}
              {f.label} <strong>{f.text}</strong>
            </span>
          ))}
        </p>
      )}
      {started && started.notes.length > 0 && (
        <ul class="rv-notes" data-testid="train-notes">
          {started.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      {error && (
        <p class="rv-error" data-testid="train-error" role="alert">
          {error}
        </p>
      )}
      <div class="rv-plots">
        <Plot
          testId="train-loss-plot"
          label="Training loss per batch and per epoch, and validation loss per epoch"
          options={lossOptions}
          data={lossData}
          version={version}
        />
        <Plot
          testId="train-metric-plot"
          label={`${metric.label} per epoch`}
          options={metricOptions}
          data={metricData}
          version={version}
        />
      </div>
    </section>
  );
}

function statusLine(
  phase: Phase,
  started: StartedEvent | undefined,
  trained: TrainedEvent | undefined,
  live: Live,
): string {
  switch (phase) {
    case 'idle':
      return 'Press Train to train the spec on the chosen data in a background worker.';
    case 'preparing':
      return 'Loading the data and the backend…';
    case 'training':
      return started
        ? `Training ${started.task} on ${started.backend}${live.epochs > 0 ? `, ${formatEpoch(live.epoch, live.epochs)}` : ''}…`
        : 'Starting…';
    case 'stopping':
      return 'Stopping at the next batch (a checkpoint is kept)…';
    case 'done': {
      if (!trained) return 'Done.';
      const how =
        trained.stoppedBy === 'aborted'
          ? 'Stopped'
          : `Done (${stopReasons[trained.stoppedBy] ?? `stopped by ${trained.stoppedBy}`})`;
      const kept = trained.checkpointKept
        ? ' A checkpoint is kept in this browser: Resume continues the run, even after a reload.'
        : '';
      return `${how}. The model is ready to try.${kept}`;
    }
    case 'failed':
      return 'Training failed.';
  }
}

/** Epoch markers while there are few epochs; a long run's curve reads better as a line. */
function fewPoints(u: uPlot, seriesIndex: number): boolean {
  let count = 0;
  for (const value of u.data[seriesIndex] ?? []) if (value !== null && value !== undefined) count++;
  return count <= 40;
}

/** core's StopReason values, in words. */
const stopReasons: Record<string, string> = {
  epochs: 'all epochs ran',
  'early-stopping': 'early stopping: validation stopped improving',
  'time-budget': 'the time budget ran out',
  callback: 'stopped by a callback',
};

const axisFont = '11px system-ui, sans-serif';

function lossChartOptions(): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    scales: { x: { time: false } },
    axes: [
      { label: 'epoch', font: axisFont, labelFont: axisFont },
      { label: 'loss', font: axisFont, labelFont: axisFont, size: 56 },
    ],
    series: [
      { label: 'epoch' },
      { label: 'training loss (batch)', stroke: 'rgba(47, 111, 222, 0.45)', width: 1 },
      {
        label: 'training loss (epoch)',
        stroke: '#2f6fde',
        width: 2,
        spanGaps: true,
        points: { show: fewPoints, size: 6 },
      },
      {
        label: 'validation loss',
        stroke: '#d9822b',
        width: 2,
        spanGaps: true,
        points: { show: fewPoints, size: 6 },
      },
    ],
    legend: { live: false },
  };
}

function metricChartOptions(label: string): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    scales: { x: { time: false } },
    axes: [
      { label: 'epoch', font: axisFont, labelFont: axisFont },
      { label, font: axisFont, labelFont: axisFont, size: 56 },
    ],
    series: [
      { label: 'epoch' },
      { label, stroke: '#2e8b57', width: 2, spanGaps: true, points: { show: fewPoints, size: 6 } },
    ],
    legend: { live: false },
  };
}
