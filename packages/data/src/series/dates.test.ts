import { describe, expect, it } from 'vitest';
import { dateStep, nextDates, parseSeriesDate } from './dates.js';

describe('nextDates', () => {
  it('continues months across a year end', () => {
    expect(nextDates(['1960-10', '1960-11', '1960-12'], 3)).toEqual([
      '1961-01',
      '1961-02',
      '1961-03',
    ]);
  });

  it('continues quarterly months by their step of 3', () => {
    expect(nextDates(['2019-07', '2019-10', '2020-01'], 2)).toEqual(['2020-04', '2020-07']);
  });

  it('continues days across February 29 of a leap year', () => {
    expect(nextDates(['2024-02-26', '2024-02-27', '2024-02-28'], 3)).toEqual([
      '2024-02-29',
      '2024-03-01',
      '2024-03-02',
    ]);
    // 2023 is not a leap year: Feb 28 is followed by Mar 1.
    expect(nextDates(['2023-02-27', '2023-02-28'], 1)).toEqual(['2023-03-01']);
  });

  it('continues years', () => {
    expect(nextDates(['1998', '1999', '2000'], 2)).toEqual(['2001', '2002']);
    expect(nextDates(['2000', '2004', '2008'], 1)).toEqual(['2012']);
  });

  it('continues a weekly series of daily dates by 7 days, across a month and year end', () => {
    expect(nextDates(['2020-12-14', '2020-12-21', '2020-12-28'], 2)).toEqual([
      '2021-01-04',
      '2021-01-11',
    ]);
  });

  it('takes the most common step (a gap in the data does not change it)', () => {
    // Business days with a weekend gap: the step is 1 day (4 times) not 3 (once).
    expect(
      nextDates(
        ['2021-03-01', '2021-03-02', '2021-03-03', '2021-03-04', '2021-03-05', '2021-03-08'],
        1,
      ),
    ).toEqual(['2021-03-09']);
  });

  it('continues month ends by month ends and month starts by month starts', () => {
    expect(nextDates(['2023-11-30', '2023-12-31', '2024-01-31'], 3)).toEqual([
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
    ]);
    expect(nextDates(['2023-03-31', '2023-06-30', '2023-09-30', '2023-12-31'], 2)).toEqual([
      '2024-03-31',
      '2024-06-30',
    ]);
    expect(nextDates(['2023-12-01', '2024-01-01'], 2)).toEqual(['2024-02-01', '2024-03-01']);
  });

  it('continues a single date by one unit of its form', () => {
    expect(nextDates(['1999'], 1)).toEqual(['2000']);
    expect(nextDates(['1999-12'], 1)).toEqual(['2000-01']);
    expect(nextDates(['1999-12-31'], 1)).toEqual(['2000-01-01']);
  });

  it('returns nothing for count 0', () => {
    expect(nextDates(['2000-01'], 0)).toEqual([]);
  });

  it('refuses an empty list, mixed forms, bad dates, unsorted dates and a bad count', () => {
    expect(() => nextDates([], 1)).toThrow('nextDates needs at least one date to continue');
    expect(() => nextDates(['2000-01', '2000-02-01'], 1)).toThrow(
      'date 2 "2000-02-01" is YYYY-MM-DD but date 1 "2000-01" is YYYY-MM; use one form',
    );
    expect(() => nextDates(['2001-02-29'], 1)).toThrow(
      'date 1 "2001-02-29" is not a calendar date of the form YYYY, YYYY-MM or YYYY-MM-DD',
    );
    expect(() => nextDates(['2000-02', '2000-01'], 1)).toThrow(
      'dates must be ascending: date 2 "2000-01" does not come after "2000-02"',
    );
    expect(() => nextDates(['2000'], -1)).toThrow('count must be an integer >= 0, got -1');
  });
});

describe('years 0 to 99', () => {
  it('are those years, not 1900 to 1999 (Date.UTC would shift them)', () => {
    expect(nextDates(['0050-01-01', '0050-01-02'], 2)).toEqual(['0050-01-03', '0050-01-04']);
    // Year 0 is a leap year in the proleptic Gregorian calendar (divisible by 400); 1900 is not.
    expect(parseSeriesDate('0000-02-29')).toEqual({
      form: 'YYYY-MM-DD',
      year: 0,
      month: 2,
      day: 29,
    });
    expect(nextDates(['0000-02-28'], 2)).toEqual(['0000-02-29', '0000-03-01']);
    expect(nextDates(['0099-12-31'], 1)).toEqual(['0100-01-01']);
    expect(nextDates(['0003-11-30', '0003-12-31'], 2)).toEqual(['0004-01-31', '0004-02-29']);
  });

  it('a continuation past 9999 is refused (it would not be a YYYY date)', () => {
    expect(() => nextDates(['9998', '9999'], 1)).toThrow(
      'nextDates: continuing "9999" by 1 year for 1 date passes the year 9999 (dates are YYYY, YYYY-MM or YYYY-MM-DD)',
    );
    expect(() => nextDates(['9999-12-30', '9999-12-31'], 2)).toThrow(
      'nextDates: continuing "9999-12-31" by 1 day for 2 dates passes the year 9999',
    );
  });
});

describe('dateStep', () => {
  it('is the step nextDates continues by, in the unit it counts', () => {
    expect(dateStep(['1998', '2000', '2002'])).toEqual({ unit: 'years', step: 2 });
    expect(dateStep(['2019-07', '2019-10', '2020-01'])).toEqual({ unit: 'months', step: 3 });
    expect(dateStep(['2020-12-14', '2020-12-21'])).toEqual({ unit: 'days', step: 7 });
    // Month ends of a daily form continue by months (31, 29 or 30 days apart: never a day step).
    expect(dateStep(['2023-12-31', '2024-01-31', '2024-02-29'])).toEqual({
      unit: 'months',
      step: 1,
    });
    expect(dateStep(['2023-03-31', '2023-06-30', '2023-09-30'])).toEqual({
      unit: 'months',
      step: 3,
    });
    expect(dateStep(['1999-12-31'])).toEqual({ unit: 'days', step: 1 });
    expect(dateStep(['1999-12'])).toEqual({ unit: 'months', step: 1 });
  });

  it('refuses what nextDates refuses', () => {
    expect(() => dateStep([])).toThrow('nextDates needs at least one date to continue');
    expect(() => dateStep(['2000-02', '2000-01'])).toThrow('dates must be ascending');
  });
});

describe('parseSeriesDate', () => {
  it('reads the three forms and refuses what is not a calendar date', () => {
    expect(parseSeriesDate('1949')).toEqual({ form: 'YYYY', year: 1949, month: 1, day: 1 });
    expect(parseSeriesDate('1949-03')).toEqual({ form: 'YYYY-MM', year: 1949, month: 3, day: 1 });
    expect(parseSeriesDate('2024-02-29')).toEqual({
      form: 'YYYY-MM-DD',
      year: 2024,
      month: 2,
      day: 29,
    });
    for (const bad of ['2023-02-29', '1949-13', '1949-3', '49', '1949/03', ' 1949']) {
      expect(parseSeriesDate(bad)).toBeUndefined();
    }
  });
});
