// Dates of a series as written (YYYY, YYYY-MM or YYYY-MM-DD) and their continuation, so that a
// forecast's steps carry the dates that follow the data: by the series' most common step in years,
// months or days. Daily dates a whole number of months apart (month starts, month ends, quarter
// ends) continue by months, keeping the day of the month or the last day of each month.

/** The three forms a series date may take. */
export type DateForm = 'YYYY' | 'YYYY-MM' | 'YYYY-MM-DD';

export interface SeriesDate {
  form: DateForm;
  year: number;
  /** 1..12 (1 for YYYY). */
  month: number;
  /** 1..31 (1 for YYYY and YYYY-MM). */
  day: number;
}

const datePattern = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/**
 * Days since 1970-01-01 of a proleptic Gregorian date. setUTCFullYear, not Date.UTC: Date.UTC reads
 * years 0 to 99 as 1900 to 1999. Month and day may overflow (day 0 = the previous month's last).
 */
function utcDays(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() / 86_400_000;
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(utcDays(year, month + 1, 0) * 86_400_000);
  return date.getUTCDate();
}

/** The parts of a YYYY, YYYY-MM or YYYY-MM-DD date (a real calendar date), else undefined. */
export function parseSeriesDate(text: string): SeriesDate | undefined {
  const match = datePattern.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = match[2] === undefined ? 1 : Number(match[2]);
  const day = match[3] === undefined ? 1 : Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const form = match[3] !== undefined ? 'YYYY-MM-DD' : match[2] !== undefined ? 'YYYY-MM' : 'YYYY';
  return { form, year, month, day };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function format(date: SeriesDate): string {
  if (date.form === 'YYYY') return pad(date.year, 4);
  if (date.form === 'YYYY-MM') return `${pad(date.year, 4)}-${pad(date.month, 2)}`;
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** Months since year 0 (for month steps). */
function monthIndex(date: SeriesDate): number {
  return date.year * 12 + (date.month - 1);
}

/** Days since 1970-01-01 (for day steps). */
function dayIndex(date: SeriesDate): number {
  return utcDays(date.year, date.month, date.day);
}

function fromDayIndex(days: number): SeriesDate {
  const d = new Date(days * 86_400_000);
  return {
    form: 'YYYY-MM-DD',
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
  };
}

/** The most common of the steps (the smallest on a tie). */
function mostCommon(steps: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const step of steps) counts.set(step, (counts.get(step) ?? 0) + 1);
  let best = steps[0] as number;
  for (const [step, count] of counts) {
    const bestCount = counts.get(best) as number;
    if (count > bestCount || (count === bestCount && step < best)) best = step;
  }
  return best;
}

function isMonthEnd(date: SeriesDate): boolean {
  return date.day === daysInMonth(date.year, date.month);
}

/** The date `months` months after month index `index`, on `day` (clamped) or the month's end. */
function monthDate(index: number, day: number | 'end'): SeriesDate {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = daysInMonth(year, month);
  return { form: 'YYYY-MM-DD', year, month, day: day === 'end' ? last : Math.min(day, last) };
}

/** What a series' dates are continued by: `step` years, months or days. */
export interface DateStep {
  unit: 'years' | 'months' | 'days';
  step: number;
}

/** The dates parsed, checked to be calendar dates of one form, ascending; refuses an empty list. */
function parseAll(dates: readonly string[]): SeriesDate[] {
  if (dates.length === 0) throw new RangeError('nextDates needs at least one date to continue');
  const parsed = dates.map((text, i) => {
    const date = parseSeriesDate(text);
    if (!date)
      throw new RangeError(
        `date ${i + 1} ${JSON.stringify(text)} is not a calendar date of the form YYYY, YYYY-MM or YYYY-MM-DD`,
      );
    return date;
  });
  const first = parsed[0] as SeriesDate;
  parsed.forEach((date, i) => {
    if (date.form !== first.form)
      throw new RangeError(
        `date ${i + 1} ${JSON.stringify(dates[i])} is ${date.form} but date 1 ${JSON.stringify(dates[0])} is ${first.form}; use one form`,
      );
  });
  const index = (date: SeriesDate) =>
    first.form === 'YYYY'
      ? date.year
      : first.form === 'YYYY-MM'
        ? monthIndex(date)
        : dayIndex(date);
  for (let i = 1; i < parsed.length; i++) {
    if (index(parsed[i] as SeriesDate) <= index(parsed[i - 1] as SeriesDate))
      throw new RangeError(
        `dates must be ascending: date ${i + 1} ${JSON.stringify(dates[i])} does not come after ${JSON.stringify(dates[i - 1])}`,
      );
  }
  return parsed;
}

function stepOf(parsed: readonly SeriesDate[]): DateStep {
  const first = parsed[0] as SeriesDate;
  const unit = first.form === 'YYYY' ? 'years' : first.form === 'YYYY-MM' ? 'months' : 'days';
  if (unit === 'days') {
    const months = monthSteps(parsed);
    if (months !== undefined) return { unit: 'months', step: months };
  }
  const index = (date: SeriesDate) =>
    unit === 'years' ? date.year : unit === 'months' ? monthIndex(date) : dayIndex(date);
  const steps: number[] = [];
  for (let i = 1; i < parsed.length; i++)
    steps.push(index(parsed[i] as SeriesDate) - index(parsed[i - 1] as SeriesDate));
  return { unit, step: steps.length === 0 ? 1 : mostCommon(steps) };
}

/**
 * The step `nextDates` continues `dates` by: the most common step in years (YYYY), months
 * (YYYY-MM, and daily dates a whole number of months apart on one day of the month or on month
 * ends) or days; one date: 1. Refuses what nextDates refuses.
 */
export function dateStep(dates: readonly string[]): DateStep {
  return stepOf(parseAll(dates));
}

/**
 * The `count` dates after the last of `dates` (ascending, one form), continuing by the series'
 * most common step (see `dateStep`); a single date continues by one year, month or day. Refuses a
 * continuation past the year 9999.
 */
export function nextDates(dates: readonly string[], count: number): string[] {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be an integer >= 0, got ${count}`);
  const parsed = parseAll(dates);
  const first = parsed[0] as SeriesDate;
  const last = parsed[parsed.length - 1] as SeriesDate;
  const { unit, step } = stepOf(parsed);
  const out: SeriesDate[] = [];
  for (let k = 1; k <= count; k++) {
    if (unit === 'years') out.push({ ...last, year: last.year + k * step });
    else if (first.form === 'YYYY-MM') {
      const at = monthIndex(last) + k * step;
      out.push({ form: 'YYYY-MM', year: Math.floor(at / 12), month: (at % 12) + 1, day: 1 });
    } else if (unit === 'months') {
      const day = parsed.every(isMonthEnd) ? 'end' : last.day;
      out.push(monthDate(monthIndex(last) + k * step, day));
    } else out.push(fromDayIndex(dayIndex(last) + k * step));
  }
  if (out.some((date) => date.year > 9999)) {
    const singular = unit.slice(0, -1);
    throw new RangeError(
      `nextDates: continuing ${JSON.stringify(dates[dates.length - 1])} by ${step} ${step === 1 ? singular : unit} for ${count} date${count === 1 ? '' : 's'} passes the year 9999 (dates are YYYY, YYYY-MM or YYYY-MM-DD)`,
    );
  }
  return out.map(format);
}

/**
 * For daily dates that step by a whole number of months (every step the same), all on one day of
 * the month or all on the last day of their month: that number of months; else undefined.
 */
function monthSteps(dates: readonly SeriesDate[]): number | undefined {
  if (dates.length < 2) return undefined;
  const sameDay = dates.every((date) => date.day === (dates[0] as SeriesDate).day);
  if (!sameDay && !dates.every(isMonthEnd)) return undefined;
  const step = monthIndex(dates[1] as SeriesDate) - monthIndex(dates[0] as SeriesDate);
  if (step < 1) return undefined;
  for (let i = 2; i < dates.length; i++) {
    if (monthIndex(dates[i] as SeriesDate) - monthIndex(dates[i - 1] as SeriesDate) !== step)
      return undefined;
  }
  return step;
}
