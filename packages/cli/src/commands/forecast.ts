// `recurrent forecast <model-dir> --data series.csv`: forecasts the steps after the end of a series
// with a trained forecasting model. The file's columns are read by the model's feature names (a
// date column found as `recurrent train` finds it, or named by --date-column); each step prints on
// a line with its date (continuing the file's dates) or its number (+1, +2...), then each target's
// value; --json prints the task's Forecast. The task forecasts; this shell reads and prints.
import { loadTaskFolder } from '@recurrent/core/node';
import { type ForecastingTask, readSeriesFile } from '@recurrent/task-forecasting/node';
import { type Command, InvalidArgumentError } from 'commander';
import { type BackendOptions, backendOption, startBackend } from '../backend-option.js';
import { type CliIO, ExitCode } from '../io.js';
import { requireFolderTask } from './task-folder.js';

interface ForecastFlags extends BackendOptions {
  data: string;
  horizon?: number;
  dateColumn?: string;
  json?: boolean;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a number of steps, 1 or more');
  }
  return n;
}

const helpText = `
Input: a CSV file with a header row and the columns the model was trained on (others are not
read), oldest row first; the forecast starts after its last row, from the window (and the rows
differencing needs) before it.

Output: one line per step, "DATE target=value ..." (the dates continue the file's; "+1", "+2"...
when it has none). --json prints { horizon, dates, values: { target: [...] }, after } instead.
A direct model forecasts up to the horizon it was trained for; a recursive one any number of
steps.`;

export function registerForecast(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  program
    .command('forecast')
    .description(
      'forecast the steps after the end of a series (a CSV file) with a trained forecasting model',
    )
    .argument('<model-dir>', 'model folder written by recurrent train (a forecasting model)')
    .requiredOption(
      '-d, --data <file>',
      'the series to forecast from: a CSV file with the columns the model reads',
    )
    .option(
      '--horizon <n>',
      "steps to forecast (default: the model's horizon; more only for a recursive model)",
      positiveInteger,
    )
    .option(
      '--date-column <name|none>',
      'the date column (default: the first column when its header is a date word or its cells are dates; "none": no date column)',
    )
    .option('--json', 'print the forecast as JSON')
    .addOption(backendOption())
    .addHelpText('after', helpText)
    .action(async (dir: string, flags: ForecastFlags) => {
      await forecast(dir, flags, io);
      setExit(ExitCode.ok);
    });
}

/** A value as printed: six significant digits, no exponent for everyday magnitudes. */
function formatValue(value: number): string {
  return String(Number(value.toPrecision(6)));
}

async function forecast(dir: string, flags: ForecastFlags, io: CliIO): Promise<void> {
  await requireFolderTask(dir, 'forecasting', 'recurrent forecast');
  const backend = await startBackend(flags.backend);
  const task = (await loadTaskFolder(dir, { backend: backend.name })) as ForecastingTask;
  try {
    const series = await readSeriesFile(flags.data, {
      columns: task.features,
      ...(flags.dateColumn !== undefined && { dateColumn: flags.dateColumn }),
    });
    const result = await task.forecast(series, {
      ...(flags.horizon !== undefined && { horizon: flags.horizon }),
    });
    if (flags.json) {
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const lines = Array.from({ length: result.horizon }, (_, h) => {
      const when = result.dates?.[h] ?? `+${h + 1}`;
      const values = task.targets.map(
        (target) => `${target}=${formatValue(result.values[target]?.[h] ?? Number.NaN)}`,
      );
      return `${when}  ${values.join('  ')}`;
    });
    io.stdout(lines.map((line) => `${line}\n`).join(''));
  } finally {
    task.dispose();
  }
}
