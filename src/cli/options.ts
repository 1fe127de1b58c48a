import { isIsoDate } from '../domain/dates.ts';
import { parseRupiah } from '../domain/money.ts';
import { parseYearMonth } from '../domain/period.ts';
import { UserError } from './run-command.ts';

export function isoDateOption(value: string, name: string): string {
  if (!isIsoDate(value))
    throw new UserError(`${name} '${value}' is not a date; expected YYYY-MM-DD, e.g. 2026-11-01`);
  return value;
}

export function monthOption(value: string, name = '--month'): string {
  if (parseYearMonth(value) === null)
    throw new UserError(`${name} '${value}' is not a month; expected YYYY-MM, e.g. 2026-10`);
  return value;
}

export function amountOption(value: string, name: string): number {
  const n = parseRupiah(value);
  if (n === null || n <= 0)
    throw new UserError(`${name} '${value}' is not a positive whole rupiah amount, e.g. 10000000`);
  return n;
}

/** Left-pads or right-pads cells into an aligned plain-text table. */
export function table(
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  right: ReadonlySet<number> = new Set(),
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
