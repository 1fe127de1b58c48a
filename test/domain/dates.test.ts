import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addWorkingDays,
  dueDateFor,
  isIsoDate,
  isWorkingDay,
  parseHolidaysCsv,
} from '../../src/domain/dates.ts';

const calendar = parseHolidaysCsv(
  readFileSync(new URL('../../migrations/data/holidays.csv', import.meta.url), 'utf8'),
);
const holidays: ReadonlySet<string> = new Set(calendar.map((h) => h.date));
const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

describe('R8 dates', () => {
  it.each([
    ['2026-10-31', true],
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['2026-02-29', false],
    ['2100-02-29', false],
    ['2026-02-30', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-10-00', false],
    ['2026-1-5', false],
    ['26-10-05', false],
    ['2026-10-05T00:00:00Z', false],
    ['2026/10/05', false],
    [' 2026-10-05', false],
    ['', false],
  ])('R8: isIsoDate(%j) is %s', (s, expected) => {
    expect(isIsoDate(s)).toBe(expected);
  });

  it.each([
    ['2026-10-31', 1, '2026-11-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2026-03-08', 1, '2026-03-09'], // a DST night elsewhere is an ordinary day here
    ['2026-11-01', 0, '2026-11-01'],
    ['2026-01-01', 365, '2027-01-01'],
    ['2028-01-01', 366, '2029-01-01'],
  ])('R8: %s + %i days is %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected);
  });

  it.each([
    ['2026-11-01', '2026-11-15'],
    ['2026-10-18', '2026-11-01'],
    ['2026-10-31', '2026-11-14'],
    ['2026-12-01', '2026-12-15'],
    ['2026-12-20', '2027-01-03'],
    ['2026-12-31', '2027-01-14'],
    ['2026-02-20', '2026-03-06'],
    ['2028-02-20', '2028-03-05'],
    ['2026-03-17', '2026-03-31'],
  ])('R8: an invoice dated %s is due %s (14 calendar days, holidays included)', (invoiceDate, due) => {
    expect(dueDateFor(invoiceDate)).toBe(due);
  });

  it('R8: the due date is always 14 days on, by the UTC calendar', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        const date = new Date(ms).toISOString().slice(0, 10);
        return (
          dueDateFor(date) ===
          new Date(Date.parse(`${date}T00:00:00Z`) + 14 * 86_400_000).toISOString().slice(0, 10)
        );
      }),
    );
  });

  it.each([['2026-02-30'], ['01-11-2026'], ['']])('R8: %j is an error naming the bad date', (date) => {
    expect(() => dueDateFor(date)).toThrow(`Date '${date}' is not a valid date; expected YYYY-MM-DD`);
  });

  it('R8: a fractional number of days is an error', () => {
    expect(() => addDays('2026-11-01', 1.5)).toThrow(/whole number/);
  });
});

describe('R13 the holiday calendar (SKB 3 Menteri)', () => {
  const count = (year: string, kind: string) =>
    calendar.filter((h) => h.date.startsWith(year) && h.kind === kind).length;

  it.each([
    ['2025', 17, 11],
    ['2026', 17, 8],
    ['2027', 17, 0],
  ])('R13: %s has %i national holidays and %i cuti bersama days', (year, holidayCount, cutiCount) => {
    expect(count(year, 'holiday')).toBe(holidayCount);
    expect(count(year, 'cuti_bersama')).toBe(cutiCount);
  });

  it.each([
    ['2026-01-01', 'holiday', 'Tahun Baru 2026 Masehi'],
    ['2026-03-18', 'cuti_bersama', 'Cuti Bersama Hari Suci Nyepi (Tahun Baru Saka 1948)'],
    ['2026-03-19', 'holiday', 'Hari Suci Nyepi (Tahun Baru Saka 1948)'],
    ['2026-03-20', 'cuti_bersama', 'Cuti Bersama Idul Fitri 1447 Hijriah'],
    ['2026-03-21', 'holiday', 'Idul Fitri 1447 Hijriah'],
    ['2026-03-22', 'holiday', 'Idul Fitri 1447 Hijriah'],
    ['2026-03-23', 'cuti_bersama', 'Cuti Bersama Idul Fitri 1447 Hijriah'],
    ['2026-03-24', 'cuti_bersama', 'Cuti Bersama Idul Fitri 1447 Hijriah'],
    ['2026-04-03', 'holiday', 'Wafat Yesus Kristus'],
    ['2026-08-17', 'holiday', 'Proklamasi Kemerdekaan'],
    ['2026-12-24', 'cuti_bersama', 'Cuti Bersama Kelahiran Yesus Kristus'],
    ['2025-08-18', 'cuti_bersama', 'Cuti Bersama HUT ke-80 Kemerdekaan RI'],
  ])('R13: %s is %s (%s)', (date, kind, name) => {
    expect(calendar.find((h) => h.date === date)).toEqual({ date, kind, name });
  });

  it('R13: the calendar is in date order, one row a date, and every cuti bersama is a weekday', () => {
    const dates = calendar.map((h) => h.date);
    expect(dates).toEqual([...dates].sort());
    expect(holidays.size).toBe(dates.length);
    for (const h of calendar.filter((h) => h.kind === 'cuti_bersama'))
      expect([0, 6]).not.toContain(weekdayOf(h.date));
  });

  it('R13: names fit the migration reader (no commas, no quotes)', () => {
    for (const h of calendar) expect(h.name).not.toMatch(/[,"]/);
  });
});

describe('R13 working days', () => {
  it.each([
    ['2026-03-17', true, 'Tuesday'],
    ['2026-03-18', false, 'cuti bersama Nyepi'],
    ['2026-03-19', false, 'Nyepi'],
    ['2026-03-20', false, 'cuti bersama Idul Fitri'],
    ['2026-03-21', false, 'Saturday, Idul Fitri'],
    ['2026-03-22', false, 'Sunday, Idul Fitri'],
    ['2026-03-23', false, 'cuti bersama Idul Fitri'],
    ['2026-03-24', false, 'cuti bersama Idul Fitri'],
    ['2026-03-25', true, 'Wednesday'],
    ['2026-04-03', false, 'Good Friday'],
    ['2026-04-04', false, 'Saturday'],
    ['2026-04-06', true, 'Monday'],
    ['2026-08-17', false, 'Independence Day'],
    ['2026-10-31', false, 'Saturday'],
    ['2026-11-02', true, 'Monday'],
  ])('R13: %s working day: %s (%s)', (date, expected) => {
    expect(isWorkingDay(date, holidays)).toBe(expected);
  });

  it.each([
    ['2026-03-17', 7, '2026-04-02'],
    ['2026-03-17', 1, '2026-03-25'],
    ['2026-03-17', 0, '2026-03-17'],
    ['2026-03-18', 0, '2026-03-18'],
    ['2026-03-31', 3, '2026-04-06'],
    ['2026-10-30', 1, '2026-11-02'],
    ['2026-10-31', 1, '2026-11-02'],
    ['2026-12-23', 1, '2026-12-28'],
    ['2026-12-23', 4, '2026-12-31'],
    ['2025-03-27', 1, '2025-04-08'],
    ['2025-08-15', 1, '2025-08-19'],
  ])('R13: %s + %i working days is %s', (date, n, expected) => {
    expect(addWorkingDays(date, n, holidays)).toBe(expected);
  });

  it.each([
    ['2026-03-17', 7, '2026-03-26'],
    ['2026-10-30', 1, '2026-11-02'],
    ['2026-11-02', 5, '2026-11-09'],
  ])('R13: without holidays, %s + %i working days is %s (weekends only)', (date, n, expected) => {
    expect(addWorkingDays(date, n, new Set())).toBe(expected);
  });

  it('R13: the n-th working day after a date is a working day, with n working days in between', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 - 30 }), fc.integer({ min: 1, max: 15 }), (offset, n) => {
        const start = addDays('2025-01-01', offset);
        const end = addWorkingDays(start, n, holidays);
        let working = 0;
        for (let d = addDays(start, 1); d <= end; d = addDays(d, 1)) if (isWorkingDay(d, holidays)) working++;
        return isWorkingDay(end, holidays) && working === n;
      }),
    );
  });

  it.each([[-1], [1.5]])('R13: %d working days is an error', (n) => {
    expect(() => addWorkingDays('2026-03-17', n, holidays)).toThrow(/whole number >= 0/);
  });
});

describe('R13 reading the holiday calendar', () => {
  it.each([
    ['a wrong header', 'day,kind,name\n', /line 1: header must be 'date,kind,name'/],
    ['a bad date', 'date,kind,name\n2026-02-30,holiday,X\n', /line 2: date '2026-02-30'/],
    [
      'a bad kind',
      'date,kind,name\n2026-03-19,libur,Nyepi\n',
      /line 2: kind 'libur' must be holiday or cuti_bersama/,
    ],
    ['an empty name', 'date,kind,name\n2026-03-19,holiday,\n', /line 2: name is empty/],
    [
      'a repeated date',
      'date,kind,name\n2026-03-19,holiday,A\n2026-03-19,holiday,B\n',
      /line 3: 2026-03-19 is already listed on line 2/,
    ],
    [
      'a comma in a name',
      'date,kind,name\n2026-03-19,holiday,Nyepi, Saka 1948\n',
      /line 2: expected 3 fields/,
    ],
  ])('R13: %s is an error naming the line', (_name, csv, message) => {
    expect(() => parseHolidaysCsv(csv)).toThrow(message);
  });
});
