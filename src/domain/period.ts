// R1: billing periods are calendar months in WIB (Asia/Jakarta), UTC+07:00 with no daylight saving since
// 1964. Everything here is offset arithmetic on epoch milliseconds: no time-zone library, no local-time
// Date methods, so the host's zone (even one with DST) changes nothing.
import { civilFromDays, daysFromCivil, daysInMonthOf, pad2, pad4 } from './civil-days.ts';

const MS_PER_DAY = 86_400_000;
const WIB_OFFSET_MS = 7 * 3_600_000;

/** 'YYYY-MM', e.g. '2026-10'. */
export type YearMonth = string;

const YEAR_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Strict 'YYYY-MM' (month 01–12), else null. */
export function parseYearMonth(s: string): { year: number; month: number } | null {
  const match = YEAR_MONTH.exec(s);
  return match === null ? null : { year: Number(match[1]), month: Number(match[2]) };
}

function requireYearMonth(s: YearMonth): { year: number; month: number } {
  const parsed = parseYearMonth(s);
  if (parsed === null) throw new RangeError(`Month '${s}' is not valid; expected YYYY-MM, e.g. 2026-10.`);
  return parsed;
}

function yearMonth(year: number, month: number): YearMonth {
  return `${pad4(year)}-${pad2(month)}`;
}

function wibMidnight(year: number, month: number, day: number): Date {
  return new Date(daysFromCivil(year, month, day) * MS_PER_DAY - WIB_OFFSET_MS);
}

function epochMs(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date given where an instant was expected.');
  return ms;
}

/** R1: [00:00 WIB on the 1st, 00:00 WIB on the 1st of the next month); '2026-11' starts 2026-10-31T17:00:00Z. */
export function periodOf(month: YearMonth): { start: Date; endExclusive: Date } {
  const { year, month: m } = requireYearMonth(month);
  return {
    start: wibMidnight(year, m, 1),
    endExclusive: m === 12 ? wibMidnight(year + 1, 1, 1) : wibMidnight(year, m + 1, 1),
  };
}

/** Whole days since 1970-01-01 of the WIB calendar date of an instant. */
function wibDays(instant: Date): number {
  return Math.floor((epochMs(instant) + WIB_OFFSET_MS) / MS_PER_DAY);
}

/** R1: the month an instant belongs to, in WIB: monthOf(new Date('2026-10-31T17:00:00Z')) === '2026-11'. */
export function monthOf(instant: Date): YearMonth {
  const { year, month } = civilFromDays(wibDays(instant));
  return yearMonth(year, month);
}

/** The WIB calendar date of an instant, 'YYYY-MM-DD'. */
export function wibDateOf(instant: Date): string {
  const { year, month, day } = civilFromDays(wibDays(instant));
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

/**
 * An instant in WIB to the second, '2026-10-05T10:11:12+07:00'. Fractions of a second are dropped, as
 * Postgres to_char(… 'HH24:MI:SS') does.
 */
export function formatWib(instant: Date): string {
  const local = epochMs(instant) + WIB_OFFSET_MS;
  const days = Math.floor(local / MS_PER_DAY);
  const secondOfDay = Math.floor((local - days * MS_PER_DAY) / 1000);
  const hours = Math.floor(secondOfDay / 3600);
  const minutes = Math.floor((secondOfDay % 3600) / 60);
  return `${wibDateOfDays(days)}T${pad2(hours)}:${pad2(minutes)}:${pad2(secondOfDay % 60)}+07:00`;
}

function wibDateOfDays(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

/** R1: the month before the one `now` is in (the default month to invoice). */
export function lastFinishedMonth(now: Date): YearMonth {
  return previousMonth(monthOf(now));
}

export function nextMonth(month: YearMonth): YearMonth {
  const { year, month: m } = requireYearMonth(month);
  return m === 12 ? yearMonth(year + 1, 1) : yearMonth(year, m + 1);
}

export function previousMonth(month: YearMonth): YearMonth {
  const { year, month: m } = requireYearMonth(month);
  return m === 1 ? yearMonth(year - 1, 12) : yearMonth(year, m - 1);
}

/** '2026-10' → '2026-10-01'. */
export function firstDayOf(month: YearMonth): string {
  requireYearMonth(month);
  return `${month}-01`;
}

/** '2026-02' → '2026-02-28'; '2028-02' → '2028-02-29'. */
export function lastDayOf(month: YearMonth): string {
  return `${month}-${pad2(daysInMonth(month))}`;
}

export function daysInMonth(month: YearMonth): number {
  const { year, month: m } = requireYearMonth(month);
  return daysInMonthOf(year, m);
}

/** Value of the two ASCII digits at i, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * An ISO 8601 / RFC 3339 timestamp that states its offset: '2026-10-05T10:11:12+07:00', '…+0700', '…+07',
 * '…Z', optional seconds and fraction (kept to the millisecond), 'T' or a space between date and time.
 * Null without an offset (the instant would be a guess), for impossible dates ('2026-02-30') or times
 * (24:00, 23:60, leap second :60). Hand-parsed: ingest reads one per message.
 */
export function parseOffsetTimestamp(s: string): Date | null {
  const length = s.length;
  if (length < 17) return null;
  const century = twoDigits(s, 0);
  const yearInCentury = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const separator = s.charCodeAt(10);
  if (
    century < 0 ||
    yearInCentury < 0 ||
    s.charCodeAt(4) !== 45 || // -
    s.charCodeAt(7) !== 45 ||
    (separator !== 84 && separator !== 116 && separator !== 32) || // T t space
    s.charCodeAt(13) !== 58 // :
  ) {
    return null;
  }
  const year = century * 100 + yearInCentury;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonthOf(year, month)) return null;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;

  let i = 16;
  let second = 0;
  let millis = 0;
  if (s.charCodeAt(i) === 58) {
    second = twoDigits(s, i + 1);
    if (second < 0 || second > 59) return null;
    i += 3;
    const mark = s.charCodeAt(i);
    if (mark === 46 || mark === 44) {
      // . or , then 1–9 digits; the first three are the milliseconds, the rest is dropped.
      const start = ++i;
      while (i < length && i - start < 9) {
        const digit = s.charCodeAt(i) - 48;
        if (digit < 0 || digit > 9) break;
        if (i - start < 3) millis = millis * 10 + digit;
        i++;
      }
      if (i === start) return null;
      for (let scale = i - start; scale < 3; scale++) millis *= 10;
    }
  }

  let offsetMinutes = 0;
  const sign = s.charCodeAt(i);
  if (sign === 90 || sign === 122) {
    // Z z
    if (i + 1 !== length) return null;
  } else if (sign === 43 || sign === 45) {
    // + -
    const offsetHours = twoDigits(s, i + 1);
    let offsetMins = 0;
    i += 3;
    if (i < length) {
      if (s.charCodeAt(i) === 58) i++;
      offsetMins = twoDigits(s, i);
      i += 2;
    }
    if (i !== length || offsetHours < 0 || offsetHours > 23 || offsetMins < 0 || offsetMins > 59) return null;
    offsetMinutes = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMins);
  } else {
    return null;
  }
  const localMs =
    (daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + millis;
  return new Date(localMs - offsetMinutes * 60_000);
}
