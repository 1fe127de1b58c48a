// Dates in Indonesian words for invoices and mail: '15 Desember 2026', 'Oktober 2026', '1–31 Oktober 2026'.
import { civilFromDays, daysInMonthOf, requireIsoDate } from './civil-days.ts';
import { parseYearMonth, type YearMonth } from './period.ts';

export const MONTHS_ID: ReadonlyArray<string> = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];

function monthName(month: number): string {
  return MONTHS_ID[month - 1]!;
}

function civil(date: string) {
  return civilFromDays(requireIsoDate(date, 'Date'));
}

function requireMonth(month: YearMonth): { year: number; month: number } {
  const parsed = parseYearMonth(month);
  if (parsed === null) throw new RangeError(`Month '${month}' is not valid; expected YYYY-MM, e.g. 2026-10.`);
  return parsed;
}

/** '2026-12-15' → '15 Desember 2026' (day without a leading zero). */
export function formatDateId(date: string): string {
  const { year, month, day } = civil(date);
  return `${day} ${monthName(month)} ${year}`;
}

/** '2026-10' → 'Oktober 2026'. */
export function monthLabelId(month: YearMonth): string {
  const { year, month: m } = requireMonth(month);
  return `${monthName(m)} ${year}`;
}

/** R1: a whole billing period, '2026-10' → '1–31 Oktober 2026' (en dash). */
export function periodLabelId(month: YearMonth): string {
  const { year, month: m } = requireMonth(month);
  return `1–${daysInMonthOf(year, m)} ${monthName(m)} ${year}`;
}

/**
 * A date range, both ends included, e.g. a closing account's last period (R13):
 * ('2026-03-01', '2026-03-17') → '1–17 Maret 2026'; across months '25 Februari – 3 Maret 2026';
 * across years '28 Desember 2026 – 3 Januari 2027'; a single day '17 Maret 2026'.
 */
export function periodRangeLabelId(start: string, endInclusive: string): string {
  const from = civil(start);
  const to = civil(endInclusive);
  if (start > endInclusive) throw new RangeError(`Range ${start} … ${endInclusive} ends before it starts.`);
  if (start === endInclusive) return formatDateId(start);
  if (from.year === to.year && from.month === to.month) {
    return `${from.day}–${to.day} ${monthName(to.month)} ${to.year}`;
  }
  if (from.year === to.year) {
    return `${from.day} ${monthName(from.month)} – ${to.day} ${monthName(to.month)} ${to.year}`;
  }
  return `${formatDateId(start)} – ${formatDateId(endInclusive)}`;
}
