// The forecasting task: a recurrent forecaster from a forecasting spec (a look-back window of
// feature columns in, a horizon of target columns out), with the per-column scaling and the
// differencing it was trained with. It trains through core's trainWithSpec (validation loss, MAE
// and RMSE each epoch), evaluates every forecast origin against the naive and seasonal-naive
// baselines (MAE, RMSE, MAPE, sMAPE per step, MASE), forecasts from the end of a series (direct:
// one forward pass; recursive: each step fed back), and saves to and loads from in-memory model
// files. Runs in any runtime; the CSV reader is in `/node`.
import {
  checkpointWeightProblems,
  type ForecastScores,
  horizonReport,
  loadTaskModel,
  type Model,
  ModelFileError,
  type ModelFileSource,
  type ModelFiles,
  type ModelSpec,
  modelToFiles,
  naiveForecast,
  seasonalNaiveForecast,
  type Task,
  TaskError,
  type TaskOptions,
  type TaskTrainOptions,
  type TrainingState,
  type TrainResult,
  trainWithSpec,
} from '@recurrent/core';
import {
  type DateForm,
  type DateStep,
  dateStep,
  nextDates,
  parseSeriesDate,
} from '@recurrent/data';
import * as tf from '@tensorflow/tfjs-core';
import { trainingBatches } from './batches.js';
import type {
  Forecast,
  ForecastEvaluation,
  ForecastOptions,
  MethodReport,
  SeriesData,
  TargetEvaluation,
  TimeSeries,
} from './contract.js';
import {
  type ForecastingSettings,
  forecastingSettings,
  resolveColumns,
} from './forecasting-settings.js';
import { checkSeries, ForecastingDataError, seriesName, seriesShapes } from './series-check.js';
import { SeriesTransform } from './series-transform.js';
import { seriesWindows, type WindowSet } from './series-windows.js';
import {
  compileForecaster,
  type ForecastingTargetConfig,
  forecastingLoss,
  headOutput,
  pointLoss,
  regressionLossKind,
} from './training-target.js';

/** Options of `train`: every task's, with validation series (their targetsFrom marks the part scored). */
export type ForecastTrainOptions = TaskTrainOptions<SeriesData>;

export interface ForecastTrainResult extends TrainResult {
  windows: { train: number; validation: number };
  /** What the user should know: constant columns, series skipped as too short. */
  notes: string[];
}

/** Windows per forward pass in evaluation and forecasting (no gradients kept). */
const inferenceBatch = 256;

/**
 * The dates of the (first) dated training series, kept in model.json for the user: their form,
 * the step `nextDates` continues them by and its unit (a daily series of month ends steps by
 * months), the first and last date. Forecasts continue the given series' own dates.
 */
interface DatesInfo {
  form: DateForm;
  unit: DateStep['unit'];
  step: number;
  first: string;
  last: string;
}

/** The step units each date form may be continued by. */
const unitsOfForm: Record<DateForm, readonly DateStep['unit'][]> = {
  YYYY: ['years'],
  'YYYY-MM': ['months'],
  'YYYY-MM-DD': ['months', 'days'],
};

/** Windows of some checked series, ready to score. */
interface Prepared {
  list: TimeSeries[];
  set: WindowSet;
  /** Series of `list` that give at least one origin (the others are named in `notes`). */
  scored: ReadonlySet<number>;
  notes: string[];
}

/** A checkpoint's weights must be this model's: the same names and shapes. */
function checkResume(model: Model, state: TrainingState): void {
  const problems = checkpointWeightProblems(model, state.weights);
  if (problems.length > 0) {
    throw new TaskError(
      `resume: the checkpoint does not fit this model (${problems.join('; ')}): it was written for another spec or other training data`,
    );
  }
}

function rowsOf(series: TimeSeries): number {
  const first = Object.values(series.columns)[0];
  return first ? first.length : 0;
}

/** "window 12 + horizon 1 + 13 for differencing = 26" */
function needText(window: number, horizon: number, lag: number): string {
  const parts = [`window ${window}`, ...(horizon > 0 ? [`horizon ${horizon}`] : [])];
  if (lag > 0) parts.push(`${lag} for differencing`);
  return parts.length === 1 ? `${parts[0]}` : `${parts.join(' + ')} = ${window + horizon + lag}`;
}

/** What model.json says of the training dates (checkSeries has checked them). */
function datesInfo(dates: readonly string[]): DatesInfo {
  const first = dates[0] as string;
  const form = parseSeriesDate(first)?.form as DateForm;
  return { form, ...dateStep(dates), first, last: dates[dates.length - 1] as string };
}

/** model.json's metadata.dates, checked against itself (form, unit, step, real dates in order). */
function checkDatesInfo(value: unknown, where: string): DatesInfo | undefined {
  if (value === undefined) return undefined;
  const dates = value as Partial<DatesInfo> | null;
  const at = `${where}: metadata.dates`;
  if (typeof dates !== 'object' || dates === null || Array.isArray(dates)) {
    throw new ModelFileError(`${at} must be an object { form, unit, step, first, last }`);
  }
  const form = dates.form as DateForm;
  if (!Object.hasOwn(unitsOfForm, form as string)) {
    throw new ModelFileError(
      `${at}.form must be "YYYY", "YYYY-MM" or "YYYY-MM-DD", got ${JSON.stringify(dates.form)}`,
    );
  }
  const units = unitsOfForm[form];
  if (!units.includes(dates.unit as DateStep['unit'])) {
    throw new ModelFileError(
      `${at}.unit must be ${units.map((u) => JSON.stringify(u)).join(' or ')} for ${form} dates, got ${JSON.stringify(dates.unit) ?? 'undefined'}`,
    );
  }
  if (!(Number.isInteger(dates.step) && (dates.step as number) >= 1)) {
    throw new ModelFileError(
      `${at}.step must be a whole number ≥ 1, got ${JSON.stringify(dates.step)}`,
    );
  }
  for (const key of ['first', 'last'] as const) {
    const text = dates[key];
    if (typeof text !== 'string' || parseSeriesDate(text)?.form !== form) {
      throw new ModelFileError(
        `${at}.${key} ${JSON.stringify(text) ?? 'undefined'} is not a ${form} date (metadata.dates.form)`,
      );
    }
  }
  // One form, zero-padded: the text order is the date order.
  if ((dates.last as string) < (dates.first as string)) {
    throw new ModelFileError(
      `${at}.last ${JSON.stringify(dates.last)} comes before metadata.dates.first ${JSON.stringify(dates.first)}`,
    );
  }
  return dates as DatesInfo;
}

/**
 * Every scaler is of the spec's scaling kind; a constant one (no spread) scales by 1; "none" is
 * the identity. Anything else would restore forecasts in other units than the model was trained in.
 */
function checkScalers(transform: SeriesTransform, scaling: string, where: string): void {
  for (const feature of transform.features) {
    const scaler = transform.scalers[feature] as SeriesTransform['scalers'][string];
    const at = `${where}: metadata.scalers[${JSON.stringify(feature)}]`;
    if (scaler.kind !== scaling) {
      throw new ModelFileError(
        `${at}.kind is ${JSON.stringify(scaler.kind)} but the spec's forecasting.scaling is ${JSON.stringify(scaling)}`,
      );
    }
    if (scaler.constant && scaler.scale !== 1) {
      throw new ModelFileError(
        `${at} is constant (no spread in the training rows) but its scale is ${scaler.scale}, not 1`,
      );
    }
    if (scaler.kind === 'none' && (scaler.center !== 0 || scaler.scale !== 1 || scaler.constant)) {
      throw new ModelFileError(
        `${at} is of kind "none" (no scaling) but has center ${scaler.center}, scale ${scaler.scale}, constant ${scaler.constant}: expected 0, 1, false`,
      );
    }
  }
}

/**
 * Mean absolute one-step change of a target over the history rows (targetsFrom, else all), pooled
 * over the scored series.
 */
function naiveScale(list: readonly TimeSeries[], column: string): number | null {
  let sum = 0;
  let count = 0;
  for (const series of list) {
    const values = series.columns[column] as ArrayLike<number>;
    const end = (series.targetsFrom ?? 0) > 0 ? (series.targetsFrom as number) : values.length;
    for (let r = 1; r < end; r++) {
      sum += Math.abs((values[r] as number) - (values[r - 1] as number));
      count++;
    }
  }
  return count === 0 || sum === 0 ? null : sum / count;
}

function methodReport(
  predicted: readonly Float64Array[],
  actual: readonly Float64Array[],
  scale: number | null,
): MethodReport {
  const report = horizonReport(predicted, actual);
  return {
    steps: report.steps as ForecastScores[],
    overall: report.overall,
    mase: scale === null ? null : report.overall.mae / scale,
    windows: predicted.length,
  };
}

/** What evaluate says when seasonal naive cannot score every origin (none when it can). */
function seasonalNotes(covered: number, windows: number, season: number): string[] {
  if (covered === windows) return [];
  const history = `a season (${season} rows) of history before`;
  return covered === 0
    ? [`seasonal naive not scored: none of the ${windows} origins has ${history} it`]
    : [
        `seasonal naive scored on ${covered} of the ${windows} origins: ${windows - covered} ${windows - covered === 1 ? 'has' : 'have'} less than ${history} them; the model and naive are scored on all ${windows}`,
      ];
}

export class ForecastingTask implements Task<SeriesData, ForecastEvaluation> {
  readonly task = 'forecasting';
  #settings: ForecastingSettings;
  #model: Model | undefined;
  #transform: SeriesTransform | undefined;
  #dates: DatesInfo | undefined;
  #disposed = false;

  private constructor(
    settings: ForecastingSettings,
    private readonly backend: string | undefined,
    trained?: { model: Model; transform: SeriesTransform; dates: DatesInfo | undefined },
  ) {
    this.#settings = settings;
    this.#model = trained?.model;
    this.#transform = trained?.transform;
    this.#dates = trained?.dates;
  }

  /**
   * An untrained task; feature and target columns not listed in the spec come from the first
   * training series. Refuses a spec of another task or one this task cannot honour, by spec path.
   */
  static create(spec: unknown, options: TaskOptions = {}): ForecastingTask {
    return new ForecastingTask(forecastingSettings(spec), options.backend);
  }

  /** A trained task from files written by save(); `source` names the files in errors. */
  static async load(
    files: ModelFiles,
    options: TaskOptions & { source?: ModelFileSource } = {},
  ): Promise<ForecastingTask> {
    const { backend } = options;
    return loadTaskModel(
      files,
      'forecasting',
      options,
      forecastingSettings,
      ({ model, metadata, where, settings }) => {
        const features = settings.features;
        const targets = settings.targets ?? features;
        if (!features || !targets) {
          throw new ModelFileError(
            `${where}: spec.forecasting.features is missing: a trained forecaster's spec lists its columns`,
          );
        }
        const sameList = (value: unknown, expected: readonly string[]) =>
          Array.isArray(value) &&
          value.length === expected.length &&
          value.every((v, i) => v === expected[i]);
        if (!sameList(metadata.features, features)) {
          throw new ModelFileError(
            `${where}: metadata.features must be the spec's feature columns ${JSON.stringify(features)}, got ${JSON.stringify(metadata.features)}`,
          );
        }
        if (!sameList(metadata.targets, targets)) {
          throw new ModelFileError(
            `${where}: metadata.targets must be the spec's target columns ${JSON.stringify(targets)}, got ${JSON.stringify(metadata.targets)}`,
          );
        }
        const outputSize = settings.outputSteps * targets.length;
        if (model.sizes.outputSize !== outputSize) {
          throw new ModelFileError(
            `${where}: the model's head has ${model.sizes.outputSize} outputs but the spec needs ${settings.outputSteps} steps × ${targets.length} targets = ${outputSize}`,
          );
        }
        let transform: SeriesTransform;
        try {
          transform = SeriesTransform.fromJson(
            { lags: settings.lags, features, targets, scalers: metadata.scalers },
            `${where}: metadata`,
          );
        } catch (error) {
          throw new ModelFileError((error as Error).message);
        }
        checkScalers(transform, settings.scaling, where);
        const dates = checkDatesInfo(metadata.dates, where);
        return new ForecastingTask(settings, backend, {
          model,
          transform,
          dates,
        });
      },
    );
  }

  /** The spec; once trained (or loaded), with forecasting.features and targets resolved. */
  get spec(): ModelSpec {
    return this.#settings.spec;
  }

  /** The columns the model reads, in order (resolved from the data at the first train). */
  get features(): readonly string[] {
    this.#checkNotDisposed();
    const features = this.#settings.features;
    if (!features) throw this.#notTrained();
    return features;
  }

  /** The columns the model predicts, in the head's order. */
  get targets(): readonly string[] {
    this.#checkNotDisposed();
    const targets = this.#settings.targets ?? this.#settings.features;
    if (!targets) throw this.#notTrained();
    return targets;
  }

  /**
   * Trains on `data` with the spec's settings. The first call resolves the feature and target
   * columns (spec, else the first series' columns) and fits the scaling on these series; later
   * calls and a loaded task keep both. With several series, one too short for a window is left
   * out and named in `notes`; a single one is an error.
   */
  async train(data: SeriesData, options: ForecastTrainOptions = {}): Promise<ForecastTrainResult> {
    this.#checkNotDisposed();
    // The shape first: the first series' columns may be the features to check the data for.
    const given = seriesShapes(data, 'training data');
    // Columns and scaling are kept only once every check below passed: a failed train changes nothing.
    const settings = this.#transform
      ? this.#settings
      : resolveColumns(this.#settings, given[0] as TimeSeries);
    const features = settings.features as string[];
    const targets = settings.targets ?? features;
    const all = checkSeries(data, 'training data', features);
    const lag = settings.lags.reduce((a, b) => a + b, 0);
    const steps = settings.outputSteps;
    const notes: string[] = [];
    const kept: TimeSeries[] = [];
    for (const [i, series] of all.entries()) {
      const n = rowsOf(series);
      const from = Math.max(settings.window + lag, series.targetsFrom ?? 0);
      if (n - steps >= from) {
        kept.push(series);
        continue;
      }
      const name = seriesName(series, i, all.length);
      const problem =
        n >= settings.window + steps + lag
          ? `training data: ${name} has ${n} rows but no window: its targets start at row ${(series.targetsFrom ?? 0) + 1} (targetsFrom) and one window needs ${steps} target rows`
          : `training data: ${name} has ${n} rows; one window needs ${needText(settings.window, steps, lag)}`;
      if (all.length === 1) throw new ForecastingDataError(problem);
      notes.push(`${problem}: left out`);
    }
    if (kept.length === 0) {
      throw new ForecastingDataError(
        `training data: none of the ${all.length} series is long enough for a window (${needText(settings.window, steps, lag)} rows)`,
      );
    }
    let transform = this.#transform;
    if (!transform) {
      const fitted = SeriesTransform.fit(kept, settings);
      transform = fitted.transform;
      notes.unshift(...fitted.notes);
    }
    const set = seriesWindows(
      kept,
      kept.map((s) => (transform as SeriesTransform).apply(s)),
      transform,
      { window: settings.window, horizon: steps, source: 'training data' },
    );
    const validation =
      options.validation !== undefined
        ? this.#prepare(
            checkSeries(options.validation, 'validation data', features),
            'validation data',
            transform,
            settings,
          )
        : undefined;
    if (validation) {
      // Validation that holds the training rows without targetsFrom would score them too.
      validation.list.forEach((s, i) => {
        if ((s.targetsFrom ?? 0) === 0) {
          notes.push(
            `validation data: ${seriesName(s, i, validation.list.length)} has no targetsFrom: every origin of it is scored; if it holds the training rows, set targetsFrom where they end (splitSeries does)`,
          );
        }
      });
      notes.push(...validation.notes);
    }
    const config: ForecastingTargetConfig = {
      spec: settings.spec,
      outputSize: steps * targets.length,
    };
    const model = this.#model ?? (await compileForecaster(config, this.backend));
    if (options.resume) {
      try {
        checkResume(model, options.resume);
      } catch (error) {
        if (!this.#model) model.dispose();
        throw error;
      }
    }
    // Committed before training (validation scores through the task); a first train that fails
    // while training is undone below.
    const first = this.#transform === undefined;
    const previous = { settings: this.#settings, dates: this.#dates };
    this.#settings = settings;
    this.#transform = transform;
    this.#model = model;
    const dated = kept[0]?.dates;
    if (!this.#dates && dated && dated.length > 0) {
      this.#dates = datesInfo(dated);
    }
    const { spec } = settings;
    const { validation: _, ...runOptions } = options;
    const result = await this.#run(first, previous, () =>
      trainWithSpec(
        model,
        trainingBatches(set, spec.training.batchSize, spec.training.seed),
        {
          spec,
          loss: forecastingLoss(spec),
          ...(validation
            ? {
                validationMetrics: async () => {
                  const scored = await this.#score(validation);
                  return {
                    loss: scored.evaluation.loss,
                    mae: scored.pooled.mae,
                    rmse: scored.pooled.rmse,
                  };
                },
              }
            : {}),
          parallel: { task: 'forecasting', config },
        },
        runOptions,
      ),
    );
    return {
      ...result,
      windows: { train: set.count, validation: validation?.set.count ?? 0 },
      notes,
    };
  }

  /**
   * `training()`; when it throws on a first train, the task is untrained again (settings, scaling,
   * dates as before, the new model disposed). A later train keeps the weights the failed run left.
   */
  async #run<R>(
    first: boolean,
    previous: { settings: ForecastingSettings; dates: DatesInfo | undefined },
    training: () => Promise<R>,
  ): Promise<R> {
    try {
      return await training();
    } catch (error) {
      if (first) {
        this.#model?.dispose();
        this.#model = undefined;
        this.#transform = undefined;
        this.#settings = previous.settings;
        this.#dates = previous.dates;
      }
      throw error;
    }
  }

  /**
   * Scores every forecast origin t of every series with targetsFrom ≤ t and t + horizon ≤ rows
   * (window + differencing rows of history before it), the model against the naive and (with a
   * season) seasonal-naive forecasts from the same history; see ForecastEvaluation.
   */
  async evaluate(data: SeriesData): Promise<ForecastEvaluation> {
    const { transform } = this.#trained();
    const list = checkSeries(data, 'evaluation data', this.features);
    const prepared = this.#prepare(list, 'evaluation data', transform, this.#settings);
    return (await this.#score(prepared)).evaluation;
  }

  /**
   * Forecasts `options.horizon` steps (default: the spec's horizon) after the last row of
   * `series`, from its last window (the series needs window + differencing rows). A direct model
   * forecasts at most its horizon; a recursive one any number of steps.
   */
  async forecast(series: TimeSeries, options: ForecastOptions = {}): Promise<Forecast> {
    const { transform } = this.#trained();
    const { window, horizon: trained, strategy } = this.#settings;
    const horizon = options.horizon ?? trained;
    if (!(Number.isInteger(horizon) && horizon >= 1)) {
      throw new TaskError(`forecast: horizon must be a whole number ≥ 1, got ${horizon}`);
    }
    if (strategy === 'direct' && horizon > trained) {
      throw new TaskError(
        `forecast: horizon ${horizon} is more than this direct model's horizon ${trained} (it outputs exactly the steps it was trained for); forecast at most ${trained} steps, or train with strategy recursive`,
      );
    }
    if (Array.isArray(series)) {
      throw new TypeError(
        `forecast data: forecast continues one series, got a list of ${series.length}`,
      );
    }
    const [checked] = checkSeries(series, 'forecast data', this.features);
    const s = checked as TimeSeries;
    const n = rowsOf(s);
    if (n < window + transform.lag) {
      throw new ForecastingDataError(
        `forecast data: ${seriesName(s, 0, 1)} has ${n} rows; a forecast needs ${needText(window, 0, transform.lag)} rows`,
      );
    }
    const F = this.features.length;
    const transformed = transform.apply(s);
    const inputs = Float32Array.from(transformed.subarray((n - window) * F, n * F));
    const predicted = await this.#predict(inputs, 1, horizon);
    const T = this.targets.length;
    const values: Record<string, number[]> = {};
    for (const [j, target] of this.targets.entries()) {
      const own = Float64Array.from({ length: horizon }, (_, h) => predicted[h * T + j] as number);
      values[target] = Array.from(transform.restore(own, s, n, j));
    }
    const dates = s.dates;
    return {
      horizon,
      ...(dates && dates.length > 0 ? { dates: nextDates(dates, horizon) } : {}),
      values,
      after: dates && dates.length > 0 ? (dates[dates.length - 1] as string) : n,
    };
  }

  /** The model as in-memory files: the spec (columns resolved), weights, scalers and dates seen. */
  async save(metadata: Record<string, unknown> = {}): Promise<ModelFiles> {
    const { model, transform } = this.#trained();
    return modelToFiles(model, {
      ...metadata,
      task: 'forecasting',
      features: [...this.features],
      targets: [...this.targets],
      scalers: transform.toJson().scalers,
      ...(this.#dates ? { dates: this.#dates } : {}),
    });
  }

  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
    this.#disposed = true;
  }

  /**
   * Windows of checked series whose targets all exist (spec horizon). A series without an origin
   * among several is left out with a note; none at all is an error.
   */
  #prepare(
    list: TimeSeries[],
    what: string,
    transform: SeriesTransform,
    settings: ForecastingSettings,
  ): Prepared {
    const set = seriesWindows(
      list,
      list.map((s) => transform.apply(s)),
      transform,
      { window: settings.window, horizon: settings.horizon, source: what },
    );
    const need = needText(settings.window, settings.horizon, transform.lag);
    if (set.count === 0) {
      const sizes = list
        .map(
          (s, i) =>
            `${seriesName(s, i, list.length)}: ${rowsOf(s)} rows, targets from row ${(s.targetsFrom ?? 0) + 1}`,
        )
        .join('; ');
      throw new ForecastingDataError(
        `${what}: no forecast origin to score: each needs ${need} rows, its targets at or after targetsFrom (${sizes})`,
      );
    }
    const scored = new Set(set.origins.map((o) => o.series));
    const notes = list.flatMap((s, i) =>
      scored.has(i)
        ? []
        : [
            `${what}: ${seriesName(s, i, list.length)} has ${rowsOf(s)} rows and no forecast origin (one needs ${need} rows, its targets at or after targetsFrom): left out`,
          ],
    );
    return { list, set, scored, notes };
  }

  /**
   * Model-space forecasts of `count` windows ([count, window, F] in `inputs`) for `steps` steps:
   * [count, steps, targets]. Direct: one forward pass (the first `steps` of the head's steps).
   * Recursive: one step at a time, each prediction written as the window's next row.
   */
  async #predict(inputs: Float32Array, count: number, steps: number): Promise<Float32Array> {
    const { model } = this.#trained();
    const { window, strategy } = this.#settings;
    const F = this.features.length;
    const T = this.targets.length;
    const out = new Float32Array(count * steps * T);
    const forward = async (rows: Float32Array, n: number): Promise<Float32Array> => {
      const x = tf.tensor3d(rows, [n, window, F]);
      try {
        const y = tf.tidy(() => headOutput(model, { features: x }));
        try {
          return (await y.data()) as Float32Array;
        } finally {
          y.dispose();
        }
      } finally {
        x.dispose();
      }
    };
    if (strategy === 'direct') {
      const width = this.#settings.outputSteps * T;
      for (let start = 0; start < count; start += inferenceBatch) {
        const n = Math.min(inferenceBatch, count - start);
        const head = await forward(
          inputs.subarray(start * window * F, (start + n) * window * F),
          n,
        );
        for (let b = 0; b < n; b++) {
          out.set(head.subarray(b * width, b * width + steps * T), (start + b) * steps * T);
        }
      }
      return out;
    }
    // Recursive: every feature is a target (spec check), so a predicted step is a whole input row.
    const targetOf = this.features.map((f) => this.targets.indexOf(f));
    if (targetOf.some((j) => j < 0)) {
      throw new TaskError('a recursive forecaster needs every feature to be a target');
    }
    const current = Float32Array.from(inputs);
    const size = window * F;
    for (let step = 0; step < steps; step++) {
      for (let start = 0; start < count; start += inferenceBatch) {
        const n = Math.min(inferenceBatch, count - start);
        const head = await forward(current.subarray(start * size, (start + n) * size), n);
        for (let b = 0; b < n; b++) {
          const row = start + b;
          out.set(head.subarray(b * T, (b + 1) * T), (row * steps + step) * T);
          const own = current.subarray(row * size, (row + 1) * size);
          own.copyWithin(0, F);
          for (let f = 0; f < F; f++)
            own[size - F + f] = head[b * T + (targetOf[f] as number)] as number;
        }
      }
    }
    return out;
  }

  /** The evaluation of prepared windows, with the MAE and RMSE pooled over steps and targets. */
  async #score(
    prepared: Prepared,
  ): Promise<{ evaluation: ForecastEvaluation; pooled: { mae: number; rmse: number } }> {
    const { transform } = this.#trained();
    const { list, set } = prepared;
    const { horizon: H, season } = this.#settings;
    const T = this.targets.length;
    const predicted = await this.#predict(set.inputs, set.count, H);
    const kind = regressionLossKind(this.spec);
    let lossSum = 0;
    for (let i = 0; i < predicted.length; i++) {
      lossSum += pointLoss(kind, (predicted[i] as number) - (set.targets[i] as number));
    }
    // Seasonal naive reads y[t − season]: origins with less history have none to read.
    const covered = season === undefined ? 0 : set.origins.filter(({ t }) => t >= season).length;
    const seasonal = covered > 0;
    let absolute = 0;
    let squared = 0;
    const targets: Record<string, TargetEvaluation> = {};
    for (const [j, column] of this.targets.entries()) {
      const model: Float64Array[] = [];
      const actual: Float64Array[] = [];
      const naive: Float64Array[] = [];
      const seasonalNaive: Float64Array[] = [];
      const seasonalActual: Float64Array[] = [];
      // Each series' column once as a Float64Array: a window's history is a view of it.
      const columns = list.map((s) => Float64Array.from(s.columns[column] as ArrayLike<number>));
      for (const [i, { series, t }] of set.origins.entries()) {
        const s = list[series] as TimeSeries;
        const values = columns[series] as Float64Array;
        const own = Float64Array.from(
          { length: H },
          (_, h) => predicted[(i * H + h) * T + j] as number,
        );
        const restored = transform.restore(own, s, t, j);
        const truth = Float64Array.from({ length: H }, (_, h) => values[t + h] as number);
        const history = values.subarray(0, t);
        model.push(restored);
        actual.push(truth);
        naive.push(naiveForecast(history, H));
        if (seasonal && t >= (season as number)) {
          seasonalNaive.push(seasonalNaiveForecast(history, H, season as number));
          seasonalActual.push(truth);
        }
        for (let h = 0; h < H; h++) {
          const e = (restored[h] as number) - (truth[h] as number);
          absolute += Math.abs(e);
          squared += e * e;
        }
      }
      const scale = naiveScale(
        list.filter((_, i) => prepared.scored.has(i)),
        column,
      );
      targets[column] = {
        model: methodReport(model, actual, scale),
        naive: methodReport(naive, actual, scale),
        ...(seasonal ? { seasonalNaive: methodReport(seasonalNaive, seasonalActual, scale) } : {}),
      };
    }
    const notes = [
      ...prepared.notes,
      ...(season !== undefined ? seasonalNotes(covered, set.count, season) : []),
    ];
    const values = set.count * H * T;
    const dated = list.every(
      (s, i) => !prepared.scored.has(i) || (s.dates !== undefined && s.dates.length > 0),
    );
    let from: string | undefined;
    let to: string | undefined;
    if (dated) {
      for (const { series, t } of set.origins) {
        const dates = (list[series] as TimeSeries).dates as readonly string[];
        const first = dates[t] as string;
        const last = dates[t + H - 1] as string;
        if (from === undefined || first < from) from = first;
        if (to === undefined || last > to) to = last;
      }
    }
    return {
      evaluation: {
        horizon: H,
        windows: set.count,
        loss: lossSum / predicted.length,
        ...(season !== undefined ? { season } : {}),
        targets,
        ...(from !== undefined && to !== undefined ? { from, to } : {}),
        ...(notes.length > 0 ? { notes } : {}),
      },
      pooled: { mae: absolute / values, rmse: Math.sqrt(squared / values) },
    };
  }

  #notTrained(): TaskError {
    return new TaskError('the forecasting task is not trained: train it or load a trained one');
  }

  #checkNotDisposed(): void {
    if (this.#disposed) {
      throw new TaskError('the forecasting task was disposed: create or load another');
    }
  }

  #trained(): { model: Model; transform: SeriesTransform } {
    this.#checkNotDisposed();
    if (!this.#model || !this.#transform) throw this.#notTrained();
    return { model: this.#model, transform: this.#transform };
  }
}
