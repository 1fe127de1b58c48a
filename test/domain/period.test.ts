// R1 runs on epoch arithmetic only: every expectation here is built with Date.UTC or an ISO string with
// an explicit offset, never with local-time Date methods, so the results hold in any process TZ.
// One test switches TZ to zones with daylight saving and checks nothing moves.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  daysInMonth,
  firstDayOf,
  formatWib,
  lastDayOf,
  lastFinishedMonth,
  monthOf,
  nextMonth,
  parseOffsetTimestamp,
  parseYearMonth,
  periodOf,
  previousMonth,
  wibDateOf,
} from '../../src/domain/period.ts';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const wibMidnight = (year: number, month: number, day: number) =>
  new Date(Date.UTC(year, month - 1, day) - 7 * HOUR);

describe('R1 months', () => {
  it.each([
    ['2026-10', { year: 2026, month: 10 }],
    ['2026-01', { year: 2026, month: 1 }],
    ['2026-12', { year: 2026, month: 12 }],
    ['0999-12', { year: 999, month: 12 }],
  ])('R1: %s is a month', (s, parsed) => {
    expect(parseYearMonth(s)).toEqual(parsed);
  });

  it.each([
    ['2026-13'],
    ['2026-00'],
    ['2026-1'],
    ['26-10'],
    ['2026/10'],
    ['2026-10-01'],
    [' 2026-10'],
    ['2026-10\n'],
    [''],
  ])('R1: %j is not a month', (s) => {
    expect(parseYearMonth(s)).toBeNull();
  });

  it.each([
    ['2026-10', '2026-11', '2026-09'],
    ['2026-12', '2027-01', '2026-11'],
    ['2027-01', '2027-02', '2026-12'],
    ['2000-02', '2000-03', '2000-01'],
  ])('R1: after %s comes %s, before it %s', (month, next, previous) => {
    expect(nextMonth(month)).toBe(next);
    expect(previousMonth(month)).toBe(previous);
  });

  it.each([
    ['2026-01', '2026-01-31', 31],
    ['2026-02', '2026-02-28', 28],
    ['2028-02', '2028-02-29', 29],
    ['2000-02', '2000-02-29', 29],
    ['2100-02', '2100-02-28', 28],
    ['2026-04', '2026-04-30', 30],
    ['2026-12', '2026-12-31', 31],
  ])('R1: %s runs to %s (%i days)', (month, last, days) => {
    expect(firstDayOf(month)).toBe(`${month}-01`);
    expect(lastDayOf(month)).toBe(last);
    expect(daysInMonth(month)).toBe(days);
  });

  it.each([['2026-13'], ['oktober']])('R1: %s is an error that says what a month looks like', (month) => {
    expect(() => periodOf(month)).toThrow(`Month '${month}' is not valid; expected YYYY-MM, e.g. 2026-10.`);
    expect(() => nextMonth(month)).toThrow(/expected YYYY-MM/);
    expect(() => lastDayOf(month)).toThrow(/expected YYYY-MM/);
  });
});

describe('R1 billing periods in WIB', () => {
  it.each([
    ['2026-10', '2026-09-30T17:00:00.000Z', '2026-10-31T17:00:00.000Z'],
    ['2026-11', '2026-10-31T17:00:00.000Z', '2026-11-30T17:00:00.000Z'],
    ['2026-12', '2026-11-30T17:00:00.000Z', '2026-12-31T17:00:00.000Z'],
    ['2027-01', '2026-12-31T17:00:00.000Z', '2027-01-31T17:00:00.000Z'],
    ['2028-02', '2028-01-31T17:00:00.000Z', '2028-02-29T17:00:00.000Z'],
    ['2026-03', '2026-02-28T17:00:00.000Z', '2026-03-31T17:00:00.000Z'],
  ])('R1: %s is [%s, %s)', (month, start, end) => {
    const period = periodOf(month);
    expect(period.start.toISOString()).toBe(start);
    expect(period.endExclusive.toISOString()).toBe(end);
  });

  it.each([
    ['2026-10-31T17:00:00Z', '2026-11', '2026-11-01'],
    ['2026-10-31T16:59:59.999Z', '2026-10', '2026-10-31'],
    ['2026-11-01T00:00:00+07:00', '2026-11', '2026-11-01'],
    ['2026-10-31T23:59:59+07:00', '2026-10', '2026-10-31'],
    ['2026-12-31T17:00:00Z', '2027-01', '2027-01-01'],
    ['2026-12-31T16:59:59Z', '2026-12', '2026-12-31'],
    ['2026-09-30T17:00:00Z', '2026-10', '2026-10-01'],
    ['2028-02-29T16:59:59Z', '2028-02', '2028-02-29'],
    ['2026-03-08T07:30:00Z', '2026-03', '2026-03-08'], // US clocks jump that night; WIB does not care
    ['1969-12-31T17:00:00Z', '1970-01', '1970-01-01'],
  ])('R1: %s belongs to %s (WIB date %s)', (iso, month, date) => {
    expect(monthOf(at(iso))).toBe(month);
    expect(wibDateOf(at(iso))).toBe(date);
  });

  it.each([
    ['2026-11-01T00:00:00+07:00', '2026-10'],
    ['2026-10-31T23:59:59+07:00', '2026-09'],
    ['2027-01-01T00:00:00+07:00', '2026-12'],
    ['2026-12-31T23:59:59+07:00', '2026-11'],
    ['2026-01-15T12:00:00+07:00', '2025-12'],
  ])('R1: at %s the last finished month is %s', (iso, month) => {
    expect(lastFinishedMonth(at(iso))).toBe(month);
  });

  it.each([
    ['2026-10-05T03:11:12Z', '2026-10-05T10:11:12+07:00'],
    ['2026-10-05T03:11:12.999Z', '2026-10-05T10:11:12+07:00'],
    ['2026-10-31T17:00:00Z', '2026-11-01T00:00:00+07:00'],
    ['2026-12-31T16:59:59Z', '2026-12-31T23:59:59+07:00'],
    ['2026-12-31T17:00:00Z', '2027-01-01T00:00:00+07:00'],
    ['1969-12-31T16:59:59.500Z', '1969-12-31T23:59:59+07:00'],
  ])('R1: %s is shown in WIB as %s', (iso, shown) => {
    expect(formatWib(at(iso))).toBe(shown);
  });

  it('R1: an Invalid Date is an error, not a month', () => {
    expect(() => monthOf(new Date(Number.NaN))).toThrow(/Invalid Date/);
    expect(() => formatWib(new Date(Number.NaN))).toThrow(/Invalid Date/);
  });

  const instants = fc
    .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) })
    .map((ms) => new Date(ms));

  it('R1: every instant lies in the period of its month', () => {
    fc.assert(
      fc.property(instants, (instant) => {
        const { start, endExclusive } = periodOf(monthOf(instant));
        return start <= instant && instant < endExclusive;
      }),
    );
  });

  it('R1: the month of an instant is its UTC month 7 hours later', () => {
    fc.assert(
      fc.property(instants, (instant) => {
        const shifted = new Date(instant.getTime() + 7 * HOUR).toISOString();
        return monthOf(instant) === shifted.slice(0, 7) && wibDateOf(instant) === shifted.slice(0, 10);
      }),
    );
  });

  it('R1: periods are whole WIB months, back to back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1970, max: 2200 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const ym = `${year}-${String(month).padStart(2, '0')}`;
        const period = periodOf(ym);
        return (
          period.start.getTime() === wibMidnight(year, month, 1).getTime() &&
          period.endExclusive.getTime() - period.start.getTime() === daysInMonth(ym) * 24 * HOUR &&
          period.endExclusive.getTime() === periodOf(nextMonth(ym)).start.getTime()
        );
      }),
    );
  });

  it('R1: formatWib reads back to the same second', () => {
    fc.assert(
      fc.property(instants, (instant) => {
        const back = parseOffsetTimestamp(formatWib(instant));
        return back !== null && back.getTime() === Math.floor(instant.getTime() / 1000) * 1000;
      }),
    );
  });
});

describe('R1 under a time zone with daylight saving', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  /** Everything R1 computes for a few instants around DST changes in New York and Berlin. */
  function snapshot(): string[] {
    const out: string[] = [];
    for (const iso of [
      '2026-03-08T06:59:59Z',
      '2026-03-08T07:00:00Z',
      '2026-03-29T01:00:00Z',
      '2026-10-25T01:00:00Z',
      '2026-10-31T16:59:59Z',
      '2026-10-31T17:00:00Z',
      '2026-11-01T05:30:00Z',
      '2026-11-01T06:30:00Z',
    ]) {
      const instant = at(iso);
      out.push(
        `${iso} ${monthOf(instant)} ${wibDateOf(instant)} ${formatWib(instant)} ${lastFinishedMonth(instant)}`,
      );
    }
    for (const month of ['2026-03', '2026-10', '2026-11', '2027-01']) {
      const { start, endExclusive } = periodOf(month);
      out.push(`${month} ${start.toISOString()} ${endExclusive.toISOString()}`);
    }
    const parsed = parseOffsetTimestamp('2026-11-01T01:30:00-04:00');
    out.push(parsed?.toISOString() ?? 'null');
    return out;
  }

  it.each([['America/New_York'], ['Europe/Berlin'], ['Australia/Sydney']])(
    'R1: TZ=%s changes nothing (periods are Date.UTC − 7 h)',
    (zone) => {
      process.env.TZ = 'UTC';
      expect(new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset()).toBe(0);
      const inUtc = snapshot();
      process.env.TZ = zone;
      // The switch is real: local time in this process now follows the zone, yet R1 must not move.
      expect(new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset()).not.toBe(0);
      expect(snapshot()).toEqual(inUtc);
      expect(periodOf('2026-11').start.getTime()).toBe(Date.UTC(2026, 10, 1) - 7 * HOUR);
      expect(periodOf('2026-03').endExclusive.getTime()).toBe(Date.UTC(2026, 3, 1) - 7 * HOUR);
      expect(monthOf(at('2026-10-31T17:00:00Z'))).toBe('2026-11');
    },
  );
});

describe('R1 reading gateway timestamps', () => {
  it.each([
    ['2026-10-05T10:11:12+07:00', '2026-10-05T03:11:12.000Z'],
    ['2026-10-05T10:11:12+0700', '2026-10-05T03:11:12.000Z'],
    ['2026-10-05T10:11:12+07', '2026-10-05T03:11:12.000Z'],
    ['2026-10-05T03:11:12Z', '2026-10-05T03:11:12.000Z'],
    ['2026-10-05t03:11:12z', '2026-10-05T03:11:12.000Z'],
    ['2026-10-05 10:11:12+07:00', '2026-10-05T03:11:12.000Z'],
    ['2026-10-05T10:11+07:00', '2026-10-05T03:11:00.000Z'],
    ['2026-10-05T10:11:12.5+07:00', '2026-10-05T03:11:12.500Z'],
    ['2026-10-05T10:11:12.123456789+07:00', '2026-10-05T03:11:12.123Z'],
    ['2026-10-05T10:11:12,25Z', '2026-10-05T10:11:12.250Z'],
    ['2026-10-05T10:11:12-03:30', '2026-10-05T13:41:12.000Z'],
    ['2026-10-05T10:11:12-00:00', '2026-10-05T10:11:12.000Z'],
    ['2026-11-01T00:00:00+07:00', '2026-10-31T17:00:00.000Z'],
    ['2026-12-31T23:59:59+07:00', '2026-12-31T16:59:59.000Z'],
    ['2028-02-29T12:00:00+07:00', '2028-02-29T05:00:00.000Z'],
    ['2026-01-01T05:00:00+14:00', '2025-12-31T15:00:00.000Z'],
  ])('R1: %s is the instant %s', (text, iso) => {
    expect(parseOffsetTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each([
    ['no offset', '2026-10-05T10:11:12'],
    ['no offset, with fraction', '2026-10-05T10:11:12.123'],
    ['a date only', '2026-10-05'],
    ['30 February', '2026-02-30T10:00:00+07:00'],
    ['29 February in a common year', '2026-02-29T10:00:00+07:00'],
    ['month 13', '2026-13-01T10:00:00+07:00'],
    ['day 0', '2026-10-00T10:00:00+07:00'],
    ['hour 24', '2026-10-05T24:00:00+07:00'],
    ['minute 60', '2026-10-05T10:60:00+07:00'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['offset hour 24', '2026-10-05T10:11:12+24:00'],
    ['offset minute 60', '2026-10-05T10:11:12+07:60'],
    ['a one-digit hour', '2026-10-05T9:11:12+07:00'],
    ['an offset with one digit', '2026-10-05T10:11:12+7'],
    ['a zone name', '2026-10-05T10:11:12 WIB'],
    ['a trailing space', '2026-10-05T10:11:12+07:00 '],
    ['epoch seconds', '1791169872'],
    ['an RFC 2822 date', 'Mon, 05 Oct 2026 10:11:12 +0700'],
    ['empty', ''],
  ])('R1: %s (%j) is rejected', (_name, text) => {
    expect(parseOffsetTimestamp(text)).toBeNull();
  });

  // Speed is measured by `npm run bench`, not asserted here: a loaded machine must not fail the suite.
  it('R1: 200 000 timestamps in a row all parse to their instant', () => {
    let parsed = 0;
    for (let i = 0; i < 200_000; i++) {
      const day = 1 + (i % 28);
      const second = i % 60;
      const at = parseOffsetTimestamp(
        `2026-10-${String(day).padStart(2, '0')}T10:11:${String(second).padStart(2, '0')}+07:00`,
      );
      if (at?.getTime() === Date.UTC(2026, 9, day, 3, 11, second)) parsed += 1;
    }
    expect(parsed).toBe(200_000);
  });
});
