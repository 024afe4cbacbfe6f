// Reading series from CSV: real files (airline passengers, Melbourne temperatures) and a bad-input table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { parseSeriesCsv } from './csv.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../test/fixtures', name), 'utf8');

describe('parseSeriesCsv on real files', () => {
  it('reads the airline passengers series (144 months, Box & Jenkins values) with its dates', () => {
    const table = parseSeriesCsv(fixture('airline-passengers.csv'), 'airline-passengers.csv', {
      dateColumn: 'Month',
    });
    expect(table.names).toEqual(['Passengers']);
    const passengers = table.columns.Passengers as Float64Array;
    expect(passengers.length).toBe(144);
    // The first year as printed in Box & Jenkins (1976), series G.
    expect(Array.from(passengers.slice(0, 12))).toEqual([
      112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,
    ]);
    expect(passengers[143]).toBe(432);
    expect(table.dates?.[0]).toBe('1949-01');
    expect(table.dates?.[143]).toBe('1960-12');
  });

  it('reads daily temperatures by date column index, and without a date column', () => {
    const text = fixture('daily-min-temperatures-head.csv');
    const dated = parseSeriesCsv(text, 'temps.csv', { dateColumn: 0 });
    expect(dated.dates?.slice(0, 2)).toEqual(['1981-01-01', '1981-01-02']);
    expect(Array.from((dated.columns.Temp as Float64Array).slice(0, 3))).toEqual([
      20.7, 17.9, 18.8,
    ]);
    expect(dated.dates?.length).toBe(40);
    const plain = parseSeriesCsv('a,b\n1,2\n3,4\n', 'plain.csv');
    expect(plain.dates).toBeUndefined();
    expect(plain.names).toEqual(['a', 'b']);
    expect(Array.from(plain.columns.b as Float64Array)).toEqual([2, 4]);
    expect(
      Array.from(parseSeriesCsv('v\n-1.5\n.5\n2e3\n+3\n', 'n.csv').columns.v as Float64Array),
    ).toEqual([-1.5, 0.5, 2000, 3]);
    const chosen = parseSeriesCsv('d,a,b\n2000,1,2\n2001,3,4\n', 'c.csv', {
      dateColumn: 'd',
      columns: ['b'],
    });
    expect(chosen.names).toEqual(['b']);
    expect(chosen.dates).toEqual(['2000', '2001']);
  });
});

describe('parseSeriesCsv bad input', () => {
  const cases: Array<[string, string, Parameters<typeof parseSeriesCsv>[2], string]> = [
    [
      'missing value',
      'm,v\n2000-01,1\n2000-02,\n',
      { dateColumn: 'm' },
      's.csv:3: missing value in column "v"',
    ],
    [
      'non-numeric cell',
      'm,v\n2000-01,1\n2000-02,abc\n',
      { dateColumn: 'm' },
      's.csv:3: non-numeric value "abc" in column "v"',
    ],
    ['hexadecimal cell', 'v\n1\n0x10\n', {}, 's.csv:3: non-numeric value "0x10" in column "v"'],
    ['Infinity', 'v\n1\n-Infinity\n', {}, 's.csv:3: non-numeric value "-Infinity" in column "v"'],
    ['NaN written out', 'v\n1\nNaN\n', {}, 's.csv:3: non-numeric value "NaN" in column "v"'],
    [
      'unsorted dates',
      'm,v\n2000-02,1\n2000-01,2\n',
      { dateColumn: 'm' },
      's.csv:3: dates out of order: "2000-01" comes after "2000-02" on line 2',
    ],
    [
      'duplicate dates',
      'm,v\n2000-01,1\n2000-02,2\n2000-02,3\n',
      { dateColumn: 'm' },
      's.csv:4: duplicate date "2000-02": line 3 has the same date',
    ],
    [
      'absent date column',
      'm,v\n2000-01,1\n',
      { dateColumn: 'Month' },
      's.csv: no column named "Month" (columns: m, v)',
    ],
    [
      'absent value column',
      'm,v\n2000-01,1\n',
      { dateColumn: 'm', columns: ['x'] },
      's.csv: no column named "x" (columns: m, v)',
    ],
    [
      'date in another form',
      'm,v\n01/02/2000,1\n',
      { dateColumn: 'm' },
      's.csv:2: date "01/02/2000" in column "m" is not YYYY, YYYY-MM or YYYY-MM-DD',
    ],
    [
      'impossible date',
      'm,v\n2001-02-29,1\n',
      { dateColumn: 'm' },
      's.csv:2: date "2001-02-29" in column "m" is not YYYY, YYYY-MM or YYYY-MM-DD',
    ],
    [
      'mixed date forms',
      'm,v\n2000-01,1\n2000-02-01,2\n',
      { dateColumn: 'm' },
      's.csv:3: date "2000-02-01" is YYYY-MM-DD but line 2 is YYYY-MM; use one form',
    ],
    ['header only', 'm,v\n', { dateColumn: 'm' }, 's.csv: no data rows after the header'],
  ];
  it.each(cases)('%s', (_name, text, options, message) => {
    let error: unknown;
    try {
      parseSeriesCsv(text, 's.csv', options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(message);
  });

  it('accepts Feb 29 in a leap year', () => {
    expect(
      parseSeriesCsv('d,v\n1984-02-28,1\n1984-02-29,2\n', 'l.csv', { dateColumn: 'd' }).dates,
    ).toEqual(['1984-02-28', '1984-02-29']);
  });
});
