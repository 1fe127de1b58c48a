// R8 due dates and R13 working days, on 'YYYY-MM-DD' strings (day-number arithmetic, DST-proof).
import { daysToIsoDate, isoDateToDays, requireIsoDate, weekdayOfDays } from './civil-days.ts';
import { type CsvRow, field, readCsvWithHeader } from './csv-rows.ts';

/** Strict 'YYYY-MM-DD' that is a real calendar date ('2026-02-29' → false, '2028-02-29' → true). */
export function isIsoDate(s: string): boolean {
  return isoDateToDays(s) !== null;
}

/** date + n calendar days (n may be negative): addDays('2026-12-25', 14) === '2027-01-08'. */
export function addDays(date: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`Number of days must be a whole number, got ${n}.`);
  return daysToIsoDate(requireIsoDate(date, 'Date') + n);
}

/** R8: payment is due 14 calendar days after the invoice date. */
export const PAYMENT_TERM_DAYS = 14;

/** R8: due date = invoice date + 14 calendar days. */
export function dueDateFor(invoiceDate: string): string {
  return addDays(invoiceDate, PAYMENT_TERM_DAYS);
}

/** R13: Monday–Friday and not a national holiday or cuti bersama (the set holds 'YYYY-MM-DD' dates). */
export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const weekday = weekdayOfDays(requireIsoDate(date, 'Date'));
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

/**
 * R13: the n-th working day after date (date itself never counts; n = 0 gives date).
 * addWorkingDays('2026-03-17', 7, holidays2026) === '2026-04-02': 18–24 March are cuti bersama, Nyepi,
 * Idul Fitri and a weekend. The holiday set must cover the dates crossed; beyond the calendar file
 * only weekends are known.
 */
export function addWorkingDays(date: string, n: number, holidays: ReadonlySet<string>): string {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`Number of working days must be a whole number >= 0, got ${n}.`);
  let days = requireIsoDate(date, 'Date');
  let remaining = n;
  while (remaining > 0) {
    days++;
    const weekday = weekdayOfDays(days);
    if (weekday !== 0 && weekday !== 6 && !holidays.has(daysToIsoDate(days))) remaining--;
  }
  return daysToIsoDate(days);
}

export type HolidayKind = 'holiday' | 'cuti_bersama';

export interface Holiday {
  readonly date: string;
  readonly kind: HolidayKind;
  readonly name: string;
}

/** R13: reads migrations/data/holidays.csv (header 'date,kind,name'); throws naming the bad line. */
export function parseHolidaysCsv(csv: string, source = 'holiday calendar'): ReadonlyArray<Holiday> {
  const holidays: Holiday[] = [];
  const lineOf = new Map<string, number>();
  for (const row of readCsvWithHeader(csv, ['date', 'kind', 'name'], source)) {
    const date = field(row, 0);
    const kind = field(row, 1);
    const name = field(row, 2);
    if (!isIsoDate(date)) fail(source, row, `date '${date}' is not a YYYY-MM-DD date`);
    if (kind !== 'holiday' && kind !== 'cuti_bersama')
      fail(source, row, `kind '${kind}' must be holiday or cuti_bersama`);
    if (name === '') fail(source, row, 'name is empty');
    const seen = lineOf.get(date);
    if (seen !== undefined) fail(source, row, `${date} is already listed on line ${seen}`);
    lineOf.set(date, row.line);
    holidays.push({ date, kind, name });
  }
  return holidays;
}

function fail(source: string, row: CsvRow, reason: string): never {
  throw new Error(`${source} line ${row.line}: ${reason}.`);
}
